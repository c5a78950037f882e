package io.clickstream.storm;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.joda.time.Duration;

/**
 * A job's topology, followed until it ends: done (bounded input, all of it processed), failed (a
 * task reported an error), or cancelled; at any end its topology is killed. Where the job runs
 * decides how its progress is seen: {@link LocalClusterResult} (the tasks report in this JVM) or
 * {@link NimbusResult} (a cluster, through Nimbus).
 */
abstract class StormPipelineResult implements PipelineResult {
  private final long pollMillis;
  private State state = State.RUNNING;

  StormPipelineResult(long pollMillis) {
    this.pollMillis = pollMillis;
  }

  /**
   * What the job's tasks report now: RUNNING, DONE or FAILED; CANCELLED if it is gone; UNKNOWN
   * while its cluster cannot be asked.
   */
  abstract State observe();

  /** The error that failed the job, once {@link #observe} said FAILED. */
  abstract Throwable failure();

  /**
   * Kills the topology; no-op when it is gone already. A job that ended DONE or FAILED has had its
   * tasks report, so its worker runs; one {@code cancelled} may not have a worker yet, and the kill
   * then waits for it ({@link TopologyKill}).
   */
  abstract void kill(boolean cancelled);

  @Override
  public synchronized State getState() {
    if (state == State.RUNNING) {
      State seen = observe();
      if (!seen.isTerminal()) {
        return seen;
      }
      stop(seen);
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
    kill(end == State.CANCELLED);
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
        Thread.sleep(pollMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return now;
      }
      now = getState();
    }
    if (now == State.FAILED) {
      throw new Pipeline.PipelineExecutionException(failure());
    }
    return now.isTerminal() ? now : null;
  }

  @Override
  public State waitUntilFinish() {
    return waitUntilFinish(Duration.ZERO);
  }
}
