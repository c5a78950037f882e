package io.clickstream.storm.topology;

import java.util.Collection;
import java.util.Map;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.util.WindowedValue;
import org.joda.time.Instant;

/** Window.Assign: gives each element, in each window it had, the windows of the new WindowFn. */
public final class AssignWindowsBolt extends ElementwiseBolt {
  private static final long serialVersionUID = 1L;

  private final WindowFn<Object, BoundedWindow> windowFn;

  public AssignWindowsBolt(
      SerializablePipelineOptions options,
      String stepName,
      Map<String, WireFormat> inputs,
      Outputs outputs,
      WindowFn<Object, BoundedWindow> windowFn) {
    super(options, stepName, inputs, outputs);
    this.windowFn = windowFn;
  }

  @Override
  protected void processElement(WindowedValue<Object> element) throws Exception {
    for (WindowedValue<Object> inOneWindow : element.explodeWindows()) {
      BoundedWindow window = inOneWindow.getWindows().iterator().next();
      Collection<BoundedWindow> windows =
          windowFn.assignWindows(
              windowFn.new AssignContext() {
                @Override
                public Object element() {
                  return inOneWindow.getValue();
                }

                @Override
                public Instant timestamp() {
                  return inOneWindow.getTimestamp();
                }

                @Override
                public BoundedWindow window() {
                  return window;
                }
              });
      emit(
          0,
          WindowedValue.of(
              inOneWindow.getValue(), inOneWindow.getTimestamp(), windows, inOneWindow.getPane()));
    }
  }
}
