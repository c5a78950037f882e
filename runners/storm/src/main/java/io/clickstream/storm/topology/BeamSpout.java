package io.clickstream.storm.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.storm.spout.SpoutOutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseRichSpout;
import org.joda.time.Instant;

/** A spout of a Beam topology: one output PCollection, and the watermark of what it has read. */
public abstract class BeamSpout extends BaseRichSpout {
  private static final long serialVersionUID = 1L;

  protected final SerializablePipelineOptions options;
  private final Outputs outputs;

  private transient SpoutOutputCollector collector;
  private transient TopologyContext context;

  protected BeamSpout(SerializablePipelineOptions options, Outputs outputs) {
    this.options = options;
    this.outputs = outputs;
  }

  @Override
  public final void open(
      Map<String, Object> conf, TopologyContext context, SpoutOutputCollector collector) {
    this.collector = collector;
    this.context = context;
    MetricsBlobs.publishFrom(conf, context.getStormId(), outputs.job());
    try {
      open(
          context.getThisTaskIndex(),
          context.getComponentTasks(context.getThisComponentId()).size());
    } catch (Exception e) {
      throw new IllegalStateException("Could not open " + context.getThisComponentId(), e);
    }
  }

  private transient volatile boolean closed;

  @Override
  public final void nextTuple() {
    try {
      emitSome();
    } catch (Exception e) {
      if (closed) {
        // A killed topology closes its spouts from another thread while they read: the reader's
        // complaint is no failure, and reporting it through the cluster's closed ZooKeeper client
        // would kill the worker, and with it an in-process LocalCluster shared by later jobs.
        return;
      }
      outputs.job().fail(e);
      collector.reportError(e);
    }
  }

  @Override
  public final void close() {
    closed = true;
    MetricsBlobs.stopPublishing(context.getStormId());
    closeInput();
  }

  /** Closes this task's readers; {@link #nextTuple} may still be running in another thread. */
  protected void closeInput() {}

  @Override
  public final void declareOutputFields(OutputFieldsDeclarer declarer) {
    outputs.declare(declarer);
  }

  /** Emits an element that Storm does not track: nothing replays it if it is lost. */
  protected void emit(WindowedValue<?> element) throws Exception {
    outputs.emit((stream, values) -> collector.emit(stream, values), 0, element);
  }

  /**
   * Emits an element that Storm tracks under {@code messageId}: {@link #ack} or {@link #fail} says
   * what became of it and everything anchored to it downstream. Returns the tuple, to {@link
   * #replay} it.
   */
  protected List<Object> emitTracked(WindowedValue<?> element, Object messageId) throws Exception {
    List<List<Object>> sent = new ArrayList<>(1);
    outputs.emit(
        (stream, values) -> {
          sent.add(values);
          return collector.emit(stream, values, messageId);
        },
        0,
        element);
    return sent.get(0);
  }

  protected void replay(List<Object> tuple, Object messageId) {
    outputs.job().sent(collector.emit(Outputs.streamId(0), tuple, messageId).size());
  }

  /** Whether everything sent so far has been processed (in-process jobs only). */
  protected boolean topologyIsQuiet() {
    return outputs.job().isQuiet();
  }

  /** The tasks of every bolt of the topology. */
  protected List<Integer> boltTasks() {
    List<Integer> tasks = new ArrayList<>();
    for (String bolt : context.getRawTopology().get_bolts().keySet()) {
      tasks.addAll(context.getComponentTasks(bolt));
    }
    return tasks;
  }

  protected JobProgress job() {
    return outputs.job();
  }

  protected void advanceWatermark(Instant watermark) {
    outputs.advanceWatermark((stream, values) -> collector.emit(stream, values), watermark);
  }

  protected Instant watermark() {
    return outputs.watermark();
  }

  /** Opens this task's share of the input: the {@code taskIndex}-th of {@code tasks}. */
  protected abstract void open(int taskIndex, int tasks) throws Exception;

  /** Emits what is ready (a little at a time: Storm calls it again) and the watermark. */
  protected abstract void emitSome() throws Exception;
}
