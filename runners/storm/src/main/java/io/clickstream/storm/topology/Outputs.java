package io.clickstream.storm.topology;

import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.tuple.Values;
import org.joda.time.Instant;

/**
 * The streams a spout or bolt writes: one data stream per output PCollection ("out0", "out1", …)
 * and the watermark stream, which every consumer subscribes to with an all-grouping so that each of
 * its tasks hears the watermark of each of this component's tasks.
 */
public final class Outputs implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Emits values on a stream, anchored or not: a spout's or a bolt's collector. Returns the tasks
   * the tuple went to, as Storm's collectors do.
   */
  public interface Emitter {
    List<Integer> emit(String stream, List<Object> values);
  }

  private final String jobId;
  private final List<WireFormat> formats;
  private transient Instant watermark;
  private transient JobProgress job;

  public Outputs(String jobId, List<WireFormat> formats) {
    this.jobId = jobId;
    this.formats = formats;
  }

  public static String streamId(int output) {
    return "out" + output;
  }

  public void declare(OutputFieldsDeclarer declarer) {
    for (int i = 0; i < formats.size(); i++) {
      declarer.declareStream(streamId(i), WireFormat.DATA_FIELDS);
    }
    declarer.declareStream(WireFormat.WATERMARK_STREAM, WireFormat.WATERMARK_FIELDS);
  }

  public void emit(Emitter emitter, int output, WindowedValue<?> element) throws CoderException {
    job().sent(emitter.emit(streamId(output), formats.get(output).encode(element)).size());
  }

  public Instant watermark() {
    return watermark == null ? BoundedWindow.TIMESTAMP_MIN_VALUE : watermark;
  }

  /**
   * Forwards the watermark if it moved forward. Reaching the end of time means this task will send
   * nothing more, which is how a job over bounded input learns it is done.
   */
  public void advanceWatermark(Emitter emitter, Instant to) {
    if (!to.isAfter(watermark())) {
      return;
    }
    watermark = to;
    boolean last = !to.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE);
    if (last) {
      job().taskEnding();
    }
    job().sent(emitter.emit(WireFormat.WATERMARK_STREAM, new Values(to.getMillis())).size());
    if (last) {
      job().taskFinished();
    }
  }

  /** Looked up once per task: a tuple's way need not pass the registry's lock. */
  public JobProgress job() {
    if (job == null) {
      job = JobProgress.of(jobId);
    }
    return job;
  }
}
