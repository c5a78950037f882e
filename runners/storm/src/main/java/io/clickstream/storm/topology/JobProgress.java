package io.clickstream.storm.topology;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * What the tasks of a job tell the JVM that submitted it: which of them have seen the watermark
 * reach the end of time, the first error, and the Beam metrics. Spouts and bolts reach it by job id
 * through a static registry, which works because a LocalCluster runs them in the submitting JVM. On
 * a remote cluster the tasks find no entry here: the tasks of a worker share one that nobody reads
 * but for its metrics, which the worker publishes ({@link MetricsBlobs}); the job is followed
 * through Nimbus.
 */
public final class JobProgress {
  private static final Map<String, JobProgress> JOBS = new ConcurrentHashMap<>();
  private static final int NOT_FOLLOWED_KEPT = 8;
  private static final Map<String, JobProgress> NOT_FOLLOWED =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JobProgress> eldest) {
          return size() > NOT_FOLLOWED_KEPT;
        }
      };

  private final int tasks;
  private final AtomicInteger finishedTasks = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicInteger busy = new AtomicInteger();
  private final MetricsContainerStepMap metrics = new MetricsContainerStepMap();
  private final AtomicReference<ClockReading> testClock = new AtomicReference<>();
  private final Map<Integer, Long> clockSeen = new ConcurrentHashMap<>();
  private volatile Runnable beforeATaskEnds = () -> {};

  /**
   * Processing time as a task reads it: under a TestStream, the script's clock, and how many times
   * the script has moved it.
   */
  public record ClockReading(Instant now, long advances) {}

  private JobProgress(int tasks) {
    this.tasks = tasks;
  }

  /** Starts following a job whose topology runs {@code tasks} spout and bolt tasks in all. */
  public static JobProgress register(String jobId, int tasks) {
    JobProgress job = new JobProgress(tasks);
    JOBS.put(jobId, job);
    return job;
  }

  public static void forget(String jobId) {
    JOBS.remove(jobId);
  }

  /**
   * The job's progress; when the job is not followed here (a worker of a cluster), one that every
   * task of the job in this JVM shares, whose metrics a worker may publish ({@link MetricsBlobs}).
   * Those are kept for the few jobs last asked about: a LocalCluster's task may still ask after its
   * job was forgotten.
   */
  static JobProgress of(String jobId) {
    JobProgress job = JOBS.get(jobId);
    if (job != null) {
      return job;
    }
    synchronized (NOT_FOLLOWED) {
      return NOT_FOLLOWED.computeIfAbsent(jobId, id -> new JobProgress(Integer.MAX_VALUE));
    }
  }

  /** Runs before a task sends the end of time: a worker of a cluster publishes its metrics. */
  void beforeATaskEnds(Runnable publish) {
    beforeATaskEnds = publish;
  }

  /** A task is about to send the end of time. */
  void taskEnding() {
    beforeATaskEnds.run();
  }

  /** A task's output watermark reached the end of time: it will emit nothing more. */
  void taskFinished() {
    finishedTasks.incrementAndGet();
  }

  /** Tuples were sent to {@code tasks} tasks; counted before the sender stops being busy. */
  void sent(int tasks) {
    sent.addAndGet(tasks);
  }

  void startedWork() {
    busy.incrementAndGet();
  }

  void finishedWork(boolean tupleReceived) {
    if (tupleReceived) {
      received.incrementAndGet();
    }
    busy.decrementAndGet();
  }

  /**
   * Nothing in flight and no task at work: every tuple sent has been processed, so everything the
   * last event caused has happened. A task counts what it sends while it is still busy, so that a
   * tuple processed before its sender counted it cannot make the job look quiet.
   */
  boolean isQuiet() {
    return busy.get() == 0 && sent.get() == received.get();
  }

  /**
   * From now on processing time is the TestStream's: it stands still but where the script moves it,
   * as on the Direct runner. It starts at the wall clock's time, so it never goes back.
   */
  void useTestClock() {
    testClock.compareAndSet(null, new ClockReading(Instant.now(), 0));
  }

  void advanceTestClock(Duration by) {
    testClock.updateAndGet(clock -> new ClockReading(clock.now().plus(by), clock.advances() + 1));
  }

  ClockReading processingTime() {
    ClockReading clock = testClock.get();
    return clock != null ? clock : new ClockReading(Instant.now(), 0);
  }

  /** A task has fired what the processing time of {@code reading} made due. */
  void sawProcessingTime(int task, ClockReading reading) {
    clockSeen.merge(task, reading.advances(), Math::max);
  }

  /** Whether each of {@code tasks} has fired the timers the test clock's last move made due. */
  boolean sawTheTestClock(Collection<Integer> tasks) {
    long advances = processingTime().advances();
    return tasks.stream().allMatch(task -> clockSeen.getOrDefault(task, 0L) >= advances);
  }

  void fail(Throwable error) {
    failure.compareAndSet(null, error);
  }

  public boolean isFinished() {
    return finishedTasks.get() >= tasks;
  }

  public Throwable failure() {
    return failure.get();
  }

  public MetricsContainerStepMap metrics() {
    return metrics;
  }
}
