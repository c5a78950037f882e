package io.clickstream.storm.topology;

import java.util.Map;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.util.WindowedValue;

/**
 * Reshuffle and Redistribute: the redistribution is the Storm grouping the bolt subscribes with (a
 * shuffle, or a fields grouping on the key); the bolt passes each element on as it came, with its
 * timestamp, windows and pane, and holds nothing.
 */
public final class ReshuffleBolt extends ElementwiseBolt {
  private static final long serialVersionUID = 1L;

  public ReshuffleBolt(
      SerializablePipelineOptions options,
      String stepName,
      Map<String, WireFormat> inputs,
      Outputs outputs) {
    super(options, stepName, inputs, outputs);
  }

  @Override
  protected void processElement(WindowedValue<Object> element) throws Exception {
    emit(0, element);
  }
}
