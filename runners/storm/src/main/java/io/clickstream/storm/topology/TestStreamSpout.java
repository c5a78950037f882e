package io.clickstream.storm.topology;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.WindowedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * TestStream, for tests of lateness and triggers: one task plays the scripted elements, watermark
 * advances and processing-time advances in order, and ends at the end of time. Processing time is
 * then the script's clock for the whole job, as on the Direct runner: it moves only when the script
 * moves it, and the bolts fire processing-time timers on their next tick. It plays the next event
 * only once the topology is quiet (everything the last one caused has been processed), as the
 * Direct runner does: otherwise an element scripted after a watermark could reach a GroupByKey
 * through one upstream task before the watermark came through another, and be on time there instead
 * of late.
 */
public final class TestStreamSpout extends BeamSpout {
  private static final long serialVersionUID = 1L;

  /**
   * A scripted event, with its elements encoded: a TestStream's values need not be serializable.
   */
  public sealed interface Event extends Serializable {}

  /** Elements, each its value's encoding and a timestamp in milliseconds. */
  public record Elements(List<byte[]> values, List<Long> timestamps) implements Event {}

  public record Watermark(long millis) implements Event {}

  /** Moves processing time on: the test clock every task reads ({@link JobProgress}). */
  public record ProcessingTime(long advanceMillis) implements Event {}

  private final Coder<Object> valueCoder;
  private final List<Event> events;

  private transient int next;
  private transient List<Integer> boltTasks;

  public TestStreamSpout(
      SerializablePipelineOptions options,
      Outputs outputs,
      Coder<Object> valueCoder,
      List<Event> events) {
    super(options, outputs);
    this.valueCoder = valueCoder;
    this.events = events;
  }

  @Override
  protected void open(int taskIndex, int tasks) {
    if (tasks != 1) {
      throw new IllegalStateException("A TestStream plays its script in one task, not " + tasks);
    }
    boltTasks = boltTasks();
    job().useTestClock();
  }

  @Override
  protected void emitSome() throws Exception {
    // Every bolt must have fired what the last move of the clock made due (on its next tick)
    // before the topology's quiet means that everything the last event caused has happened.
    if (!job().sawTheTestClock(boltTasks) || !topologyIsQuiet()) {
      return;
    }
    if (next == events.size()) {
      advanceWatermark(BoundedWindow.TIMESTAMP_MAX_VALUE);
      return;
    }
    Event event = events.get(next++);
    if (event instanceof Elements elements) {
      for (int i = 0; i < elements.values().size(); i++) {
        emit(
            WindowedValue.timestampedValueInGlobalWindow(
                CoderUtils.decodeFromByteArray(valueCoder, elements.values().get(i)),
                new Instant(elements.timestamps().get(i))));
      }
    } else if (event instanceof Watermark watermark) {
      advanceWatermark(new Instant(watermark.millis()));
    } else if (event instanceof ProcessingTime processingTime) {
      job().advanceTestClock(Duration.millis(processingTime.advanceMillis()));
    }
  }
}
