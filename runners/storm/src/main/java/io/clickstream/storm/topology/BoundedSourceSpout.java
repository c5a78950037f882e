package io.clickstream.storm.topology;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.WindowedValue;

/**
 * A bounded read: each task reads its share of the source's splits, one after the other. Bounded
 * input has no order in time, so the watermark stays at the beginning of time until the task has
 * read everything, and then jumps to the end.
 */
public final class BoundedSourceSpout extends BeamSpout {
  private static final long serialVersionUID = 1L;
  private static final int ELEMENTS_PER_CALL = 100;

  private final List<BoundedSource<Object>> splits;

  private transient Deque<BoundedSource<Object>> unread;
  private transient BoundedSource.BoundedReader<Object> reader;

  public BoundedSourceSpout(
      SerializablePipelineOptions options, Outputs outputs, List<BoundedSource<Object>> splits) {
    super(options, outputs);
    this.splits = splits;
  }

  @Override
  protected void open(int taskIndex, int tasks) {
    unread = new ArrayDeque<>();
    for (int i = taskIndex; i < splits.size(); i += tasks) {
      unread.add(splits.get(i));
    }
  }

  @Override
  protected void emitSome() throws Exception {
    for (int emitted = 0; emitted < ELEMENTS_PER_CALL; emitted++) {
      if (reader == null) {
        if (unread.isEmpty()) {
          advanceWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
          return;
        }
        reader = unread.poll().createReader(options.get());
        if (!reader.start()) {
          closeReader();
          continue;
        }
      } else if (!reader.advance()) {
        closeReader();
        continue;
      }
      emit(
          WindowedValue.timestampedValueInGlobalWindow(
              reader.getCurrent(), reader.getCurrentTimestamp()));
    }
  }

  private void closeReader() throws Exception {
    reader.close();
    reader = null;
  }

  @Override
  protected void closeInput() {
    try {
      if (reader != null) {
        closeReader();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
