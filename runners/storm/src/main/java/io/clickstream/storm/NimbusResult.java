package io.clickstream.storm;

import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.storm.generated.ErrorInfo;
import org.apache.storm.generated.NotAliveException;
import org.apache.storm.generated.TopologyInfo;
import org.apache.storm.utils.NimbusClient;

/**
 * A job submitted to a cluster's Nimbus, followed through Nimbus's view of its topology: running
 * while the topology is active, failed once a task has reported an error (Storm keeps each
 * component's last errors), done once it is inactive (the topology's {@code JobEndBolt} deactivates
 * it when every task has finished), cancelled when it is killed or gone. Its tasks run in the
 * cluster's workers, which cannot reach this JVM, so there are no Beam metrics here.
 */
final class NimbusResult extends StormPipelineResult {
  private static final long POLL_MILLIS = 1_000;

  private final NimbusAddress nimbus;
  private final String topology;
  private volatile Throwable failure;

  NimbusResult(NimbusAddress nimbus, String topology) {
    super(POLL_MILLIS);
    this.nimbus = nimbus;
    this.topology = topology;
  }

  @Override
  State observe() {
    try (NimbusClient client = nimbus.connect()) {
      TopologyInfo info = client.getClient().getTopologyInfoByName(topology);
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
  }

  @Override
  public MetricResults metrics() {
    return MetricsContainerStepMap.asAttemptedOnlyMetricResults(new MetricsContainerStepMap());
  }
}
