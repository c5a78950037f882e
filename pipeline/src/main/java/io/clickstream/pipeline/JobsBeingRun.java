package io.clickstream.pipeline;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How to cancel the jobs of runners whose {@code run()} blocks until the job ends (Flink,
 * attached), each under the thread blocked in {@code run()}: so that another thread can cancel the
 * job meanwhile, as it would through a returned PipelineResult. The runner reports a job when it is
 * submitted and takes it back when it ends (for Flink: {@code FlinkJobsBeingRun}).
 */
public final class JobsBeingRun {
  private static final Map<Thread, Runnable> CANCELS = new ConcurrentHashMap<>();

  private JobsBeingRun() {}

  /**
   * The calling thread, blocked in {@code run()} from now on, runs a job that {@code cancel} asks
   * to stop; {@code run()} then ends with the job's cancellation.
   */
  public static void submitted(Runnable cancel) {
    CANCELS.put(Thread.currentThread(), cancel);
  }

  /** The calling thread's job has ended. */
  public static void ended() {
    CANCELS.remove(Thread.currentThread());
  }

  /** What cancels the job {@code thread} is blocked in {@code run()} for, once it is submitted. */
  public static Optional<Runnable> cancelOf(Thread thread) {
    return Optional.ofNullable(CANCELS.get(thread));
  }
}
