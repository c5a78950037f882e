package io.clickstream.storm;

import io.clickstream.storm.topology.MetricsBlobs;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.storm.blobstore.NimbusBlobStore;
import org.apache.storm.generated.ErrorInfo;
import org.apache.storm.generated.NotAliveException;
import org.apache.storm.generated.TopologyInfo;
import org.apache.storm.utils.NimbusClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job submitted to a cluster's Nimbus, followed through Nimbus's view of its topology: running
 * while the topology is active, failed once a task has reported an error (Storm keeps each
 * component's last errors), done once it is inactive (the topology's {@code JobEndBolt} deactivates
 * it when every task has finished), cancelled when it is killed or gone. Its tasks run in the
 * cluster's workers, which cannot reach this JVM: their Beam metrics come through Nimbus's blob
 * store ({@link MetricsBlobs}).
 */
final class NimbusResult extends StormPipelineResult {
  private static final long POLL_MILLIS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(NimbusResult.class);

  private final NimbusAddress nimbus;
  private final String topology;
  private volatile Throwable failure;
  private volatile String topologyId;
  private volatile MetricsContainerStepMap finalMetrics;

  NimbusResult(NimbusAddress nimbus, String topology) {
    super(POLL_MILLIS);
    this.nimbus = nimbus;
    this.topology = topology;
  }

  @Override
  State observe() {
    try (NimbusClient client = nimbus.connect()) {
      TopologyInfo info = client.getClient().getTopologyInfoByName(topology);
      topologyId = info.get_id();
      if ("KILLED".equals(info.get_status())) {
        return State.CANCELLED;
      }
      for (Map.Entry<String, List<ErrorInfo>> component : info.get_errors().entrySet()) {
        for (ErrorInfo error : component.getValue()) {
          failure =
              new IllegalStateException(
                  "Component "
                      + component.getKey()
                      + " of topology "
                      + topology
                      + " failed on "
                      + error.get_host()
                      + ":"
                      + error.get_port()
                      + ": "
                      + error.get_error());
          return State.FAILED;
        }
      }
      // Submitted active, so only the end of the job (or someone's `storm deactivate`) stops it.
      return "INACTIVE".equals(info.get_status()) ? State.DONE : State.RUNNING;
    } catch (NotAliveException gone) {
      return State.CANCELLED;
    } catch (Exception unreachable) {
      return State.UNKNOWN;
    }
  }

  @Override
  Throwable failure() {
    return failure;
  }

  @Override
  void kill(boolean cancelled) {
    try (NimbusClient client = nimbus.connect()) {
      if (topologyId == null) {
        topologyId = client.getClient().getTopologyInfoByName(topology).get_id();
      }
      if (cancelled) {
        TopologyKill.onceAWorkerRuns(client.getClient(), topology);
      } else {
        TopologyKill.now(client.getClient(), topology);
      }
    } catch (NotAliveException gone) {
      // killed already
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException(
          "Could not kill topology " + topology + " through Nimbus at " + nimbus, e);
    }
    // Its workers publish no more: the last of their metrics are final.
    finalMetrics = published(true);
  }

  /**
   * The Beam metrics the job's workers have published to Nimbus ({@link MetricsBlobs}): a few
   * seconds old while it runs; once it has ended, as they were when its topology was killed.
   */
  @Override
  public MetricResults metrics() {
    MetricsContainerStepMap ended = finalMetrics;
    return MetricsContainerStepMap.asAttemptedOnlyMetricResults(
        ended != null ? ended : published(false));
  }

  /**
   * What the workers have published so far, {@code taken} from Nimbus's blob store once the
   * topology is killed; empty while Nimbus cannot be asked.
   */
  private MetricsContainerStepMap published(boolean taken) {
    String id = topologyId;
    if (id == null) {
      return new MetricsContainerStepMap();
    }
    try (NimbusBlobStore store = blobStore()) {
      return taken ? MetricsBlobs.take(store, id) : MetricsBlobs.read(store, id);
    } catch (Exception e) {
      LOG.warn("Could not read the Beam metrics of topology {} from Nimbus's blob store", id, e);
      return new MetricsContainerStepMap();
    }
  }

  /** Closing it closes its Nimbus client. */
  private NimbusBlobStore blobStore() {
    NimbusBlobStore store = new NimbusBlobStore();
    store.setClient(nimbus.clientConf(), nimbus.connect());
    return store;
  }
}
