package io.clickstream.storm;

import io.clickstream.storm.topology.JobProgress;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.storm.LocalCluster;

/**
 * A job on the in-process Storm. Its tasks run in this JVM and report to its {@link JobProgress}:
 * done when every task has seen the watermark reach the end of time, failed on a task's error.
 * Metrics are the Beam metrics the tasks reported, as attempted.
 */
final class LocalClusterResult extends StormPipelineResult {
  private static final long POLL_MILLIS = 50;

  private final LocalCluster cluster;
  private final String topology;
  private final String jobId;
  private final JobProgress progress;

  LocalClusterResult(LocalCluster cluster, String topology, String jobId, JobProgress progress) {
    super(POLL_MILLIS);
    this.cluster = cluster;
    this.topology = topology;
    this.jobId = jobId;
    this.progress = progress;
  }

  @Override
  State observe() {
    if (progress.failure() != null) {
      return State.FAILED;
    }
    return progress.isFinished() ? State.DONE : State.RUNNING;
  }

  @Override
  Throwable failure() {
    return progress.failure();
  }

  @Override
  void kill(boolean cancelled) {
    try {
      if (cancelled) {
        TopologyKill.onceAWorkerRuns(cluster, topology);
      } else {
        TopologyKill.now(cluster, topology);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("Could not kill topology " + topology, e);
    } finally {
      JobProgress.forget(jobId); // this result keeps what it reports
    }
  }

  @Override
  public MetricResults metrics() {
    return MetricsContainerStepMap.asAttemptedOnlyMetricResults(progress.metrics());
  }
}
