package io.clickstream.storm.topology;

import java.io.Closeable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.metrics.MetricsContainer;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.storm.Config;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.utils.TupleUtils;
import org.joda.time.Instant;

/**
 * What every bolt of a Beam topology does around its transform: decodes elements, keeps the
 * watermark of each upstream task and takes their minimum as its input watermark, lets the
 * transform fire what that watermark (or Storm's once-a-second tick, for processing time) makes
 * due, and forwards the output watermark after the outputs it covers. Storm delivers the tuples of
 * one task to another in order, whatever their stream, so a watermark never overtakes the elements
 * sent before it.
 */
public abstract class BeamBolt extends BaseRichBolt {
  private static final long serialVersionUID = 1L;

  protected final SerializablePipelineOptions options;
  private final String stepName;
  private final Map<String, WireFormat> inputs;
  private final Outputs outputs;

  private transient OutputCollector collector;
  private transient UpstreamWatermarks upstreamWatermarks;
  private transient Instant inputWatermark;
  private transient MetricsContainer metrics;
  private transient Tuple anchor;
  private transient int taskId;
  private transient String topologyId;

  /**
   * @param inputs the format of each subscribed data stream, by {@link #inputKey}
   */
  protected BeamBolt(
      SerializablePipelineOptions options,
      String stepName,
      Map<String, WireFormat> inputs,
      Outputs outputs) {
    this.options = options;
    this.stepName = stepName;
    this.inputs = inputs;
    this.outputs = outputs;
  }

  public static String inputKey(String component, String stream) {
    return component + "/" + stream;
  }

  @Override
  public final void prepare(
      Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
    this.collector = collector;
    taskId = context.getThisTaskId();
    upstreamWatermarks = new UpstreamWatermarks(context);
    inputWatermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
    metrics = outputs.job().metrics().getContainer(stepName);
    topologyId = context.getStormId();
    MetricsBlobs.publishFrom(conf, topologyId, outputs.job());
    try (Closeable scope = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      setUp();
    } catch (Exception e) {
      throw new IllegalStateException("Could not set up " + stepName, e);
    }
  }

  @Override
  public final void execute(Tuple tuple) {
    boolean tick = TupleUtils.isTick(tuple);
    outputs.job().startedWork();
    try (Closeable scope = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      if (tick) {
        JobProgress.ClockReading clock = outputs.job().processingTime();
        onProcessingTime(clock.now());
        outputs.job().sawProcessingTime(taskId, clock);
      } else if (tuple.getSourceStreamId().equals(WireFormat.WATERMARK_STREAM)) {
        onUpstreamWatermark(tuple.getSourceTask(), new Instant(tuple.getLong(0)));
      } else {
        WireFormat format =
            inputs.get(inputKey(tuple.getSourceComponent(), tuple.getSourceStreamId()));
        anchor = tuple;
        processInput(
            inputKey(tuple.getSourceComponent(), tuple.getSourceStreamId()), format.decode(tuple));
      }
      collector.ack(tuple);
    } catch (Exception | AssertionError e) {
      // A failed element fails the job, as on Beam's other runners: it is not retried forever.
      outputs.job().fail(e);
      collector.reportError(e);
      collector.fail(tuple);
    } finally {
      anchor = null;
      outputs.job().finishedWork(!tick);
    }
  }

  private void onUpstreamWatermark(int task, Instant watermark) throws Exception {
    Instant min = upstreamWatermarks.update(task, watermark);
    if (min.isAfter(inputWatermark)) {
      inputWatermark = min;
      outputs.advanceWatermark(this::emitUnanchored, onInputWatermark(min));
    }
  }

  /** The wall clock's time, or a TestStream's ({@link JobProgress#useTestClock}). */
  protected Instant processingTime() {
    return outputs.job().processingTime().now();
  }

  /**
   * Forwards an output watermark that moved without the input's (a hold released by a
   * processing-time timer, say); one not ahead of the last forwarded is ignored.
   */
  protected void forwardWatermark(Instant watermark) {
    outputs.advanceWatermark(this::emitUnanchored, watermark);
  }

  protected Instant inputWatermark() {
    return inputWatermark;
  }

  /**
   * The watermark of some upstream components only (a side input's, say): the minimum over their
   * tasks. The input watermark is that of all of them.
   */
  protected Instant watermarkOf(Collection<String> components) {
    return upstreamWatermarks.of(components);
  }

  protected Instant outputWatermark() {
    return outputs.watermark();
  }

  /**
   * Sends an element on the stream of an output. While an input element is processed the output is
   * anchored to it, so that Storm's acking covers it; outputs fired by a watermark or a timer come
   * from state, which a crash loses anyway (docs/runners.md, "Storm").
   */
  protected void emit(int output, WindowedValue<?> element) throws Exception {
    Tuple current = anchor;
    outputs.emit(
        current == null
            ? this::emitUnanchored
            : (stream, values) -> collector.emit(stream, current, values),
        output,
        element);
  }

  private List<Integer> emitUnanchored(String stream, List<Object> values) {
    return collector.emit(stream, values);
  }

  @Override
  public final void cleanup() {
    MetricsBlobs.stopPublishing(topologyId);
    try (Closeable scope = MetricsEnvironment.scopedMetricsContainer(metrics)) {
      tearDown();
    } catch (Exception e) {
      collector.reportError(e);
    }
  }

  @Override
  public final void declareOutputFields(OutputFieldsDeclarer declarer) {
    outputs.declare(declarer);
  }

  /** Processing-time timers fire on Storm's tick tuples. */
  @Override
  public Map<String, Object> getComponentConfiguration() {
    return Map.of(Config.TOPOLOGY_TICK_TUPLE_FREQ_SECS, 1);
  }

  protected abstract void setUp() throws Exception;

  protected abstract void processElement(WindowedValue<Object> element) throws Exception;

  /**
   * An element of the input {@code inputKey} ({@link #inputKey}): a bolt that reads several
   * PCollections (a ParDo's side inputs) tells them apart here.
   */
  protected void processInput(String inputKey, WindowedValue<Object> element) throws Exception {
    processElement(element);
  }

  /**
   * Fires what the new input watermark makes due and returns the output watermark: the input
   * watermark held back by whatever the transform still holds.
   */
  protected abstract Instant onInputWatermark(Instant watermark) throws Exception;

  protected abstract void onProcessingTime(Instant now) throws Exception;

  protected abstract void tearDown() throws Exception;
}
