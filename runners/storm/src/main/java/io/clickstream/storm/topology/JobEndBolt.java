package io.clickstream.storm.topology;

import java.util.Map;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.storm.Config;
import org.apache.storm.task.OutputCollector;
import org.apache.storm.task.TopologyContext;
import org.apache.storm.topology.OutputFieldsDeclarer;
import org.apache.storm.topology.base.BaseRichBolt;
import org.apache.storm.tuple.Tuple;
import org.apache.storm.utils.NimbusClient;
import org.joda.time.Instant;

/**
 * How a job on a cluster tells the JVM that submitted it that it is done: the job's tasks run in
 * the cluster's workers and cannot reach that JVM, but both reach Nimbus. One task, subscribed to
 * the watermark stream of every spout and bolt of the topology. Once each of their tasks has sent
 * the end of time, every element has been processed and nothing more will be emitted (as {@link
 * JobProgress} decides in process), and this task deactivates its own topology through Nimbus;
 * {@code NimbusResult} reads an inactive topology as a finished job, and kills it.
 */
public final class JobEndBolt extends BaseRichBolt {
  private static final long serialVersionUID = 1L;

  /** Its component id: not a Beam transform's, whose ids keep the transform's full name. */
  public static final String COMPONENT = "StormRunner-JobEnd";

  private transient Map<String, Object> conf;
  private transient OutputCollector collector;
  private transient UpstreamWatermarks upstream;
  private transient boolean ended;

  @Override
  public void prepare(
      Map<String, Object> conf, TopologyContext context, OutputCollector collector) {
    this.conf = conf;
    this.collector = collector;
    upstream = new UpstreamWatermarks(context);
  }

  @Override
  public void execute(Tuple watermark) {
    Instant min = upstream.update(watermark.getSourceTask(), new Instant(watermark.getLong(0)));
    if (!ended && !min.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      ended = true;
      tellNimbus();
    }
    collector.ack(watermark);
  }

  /**
   * Through the workers' own configuration ({@code nimbus.seeds}, {@code nimbus.thrift.port}, the
   * cluster's transport), which finds the leader Nimbus wherever the job was submitted from. If
   * Nimbus cannot be told, the error names why, and fails the job rather than leaving it RUNNING.
   */
  private void tellNimbus() {
    String topology = (String) conf.get(Config.TOPOLOGY_NAME);
    try (NimbusClient nimbus = NimbusClient.Builder.withConf(conf).build()) {
      nimbus.getClient().deactivate(topology);
    } catch (Exception e) {
      collector.reportError(
          new IllegalStateException(
              "Every task of topology "
                  + topology
                  + " has finished, but Nimbus (nimbus.seeds "
                  + conf.get(Config.NIMBUS_SEEDS)
                  + ", port "
                  + conf.get(Config.NIMBUS_THRIFT_PORT)
                  + ") could not be told: "
                  + e,
              e));
    }
  }

  @Override
  public void declareOutputFields(OutputFieldsDeclarer declarer) {
    // It only listens.
  }
}
