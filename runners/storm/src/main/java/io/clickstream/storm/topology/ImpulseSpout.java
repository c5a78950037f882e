package io.clickstream.storm.topology;

import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.WindowedValue;

/** Impulse: one empty byte array in the global window, then the end of time. */
public final class ImpulseSpout extends BeamSpout {
  private static final long serialVersionUID = 1L;

  public ImpulseSpout(SerializablePipelineOptions options, Outputs outputs) {
    super(options, outputs);
  }

  @Override
  protected void open(int taskIndex, int tasks) {}

  @Override
  protected void emitSome() throws Exception {
    if (watermark().isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      emit(WindowedValue.valueInGlobalWindow(new byte[0]));
      advanceWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
    }
  }
}
