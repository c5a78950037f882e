package io.clickstream.storm;

import io.clickstream.storm.topology.JobProgress;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.storm.LocalCluster;
import org.joda.time.Duration;

/**
 * A job on the in-process Storm. It is done when every task has seen the watermark reach the end of
 * time (bounded input, all of it processed), failed when a task reported an error; either way its
 * topology is then killed. Metrics are the Beam metrics the tasks reported, as attempted.
 */
final class StormPipelineResult implements PipelineResult {
  private static final long POLL_MILLIS = 50;

  private final LocalCluster cluster;
  private final String topology;
  private final JobProgress progress;
  private State state = State.RUNNING;

  StormPipelineResult(LocalCluster cluster, String topology, JobProgress progress) {
    this.cluster = cluster;
    this.topology = topology;
    this.progress = progress;
  }

  @Override
  public synchronized State getState() {
    if (state == State.RUNNING) {
      if (progress.failure() != null) {
        stop(State.FAILED);
      } else if (progress.isFinished()) {
        stop(State.DONE);
      }
    }
    return state;
  }

  @Override
  public State cancel() {
    synchronized (this) {
      if (state == State.RUNNING) {
        stop(State.CANCELLED);
      }
    }
    return getState();
  }

  private void stop(State end) {
    state = end;
    try {
      cluster.killTopologyWithOpts(topology, LocalCluster.KILL_NOW);
    } catch (Exception e) {
      throw new IllegalStateException("Could not kill topology " + topology, e);
    }
  }

  @Override
  public State waitUntilFinish(Duration duration) {
    long deadline =
        duration == null || duration.getMillis() <= 0
            ? Long.MAX_VALUE
            : System.currentTimeMillis() + duration.getMillis();
    State now = getState();
    while (!now.isTerminal() && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return now;
      }
      now = getState();
    }
    if (now == State.FAILED) {
      throw new Pipeline.PipelineExecutionException(progress.failure());
    }
    return now.isTerminal() ? now : null;
  }

  @Override
  public State waitUntilFinish() {
    return waitUntilFinish(Duration.ZERO);
  }

  @Override
  public MetricResults metrics() {
    return MetricsContainerStepMap.asAttemptedOnlyMetricResults(progress.metrics());
  }
}
