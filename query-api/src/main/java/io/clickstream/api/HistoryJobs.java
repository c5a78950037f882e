package io.clickstream.api;

import io.clickstream.core.funnel.InvalidFunnelException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history queries' jobs (docs/notebook.md, "History jobs"): each runs in the background under
 * an id its asker polls, at most {@link #RUNNING_AT_ONCE} at once and {@link #QUEUED_AT_MOST}
 * waiting, since each reads HBase and may hold a Beam pipeline; past that a submission is refused
 * with 503 rather than queued without end. A finished job is kept for {@link #KEPT_FOR}, at most
 * {@link #JOBS_KEPT} of them; a result over a closed data range is cached, {@link #CACHED} of them,
 * so asking again answers at once.
 */
final class HistoryJobs implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HistoryJobs.class);

  /** Each may be a Beam pipeline using every core: two keep the API itself responsive. */
  static final int RUNNING_AT_ONCE = 2;

  static final int QUEUED_AT_MOST = 8;

  /** How long a finished job's result stays to be polled. */
  static final Duration KEPT_FOR = Duration.ofMinutes(15);

  static final int JOBS_KEPT = 200;

  static final int CACHED = 50;

  /** What a job reports while it runs, and how it learns that it was cancelled. */
  static final class Progress {
    private final AtomicLong rowsRead = new AtomicLong();
    private volatile double fraction;
    private volatile boolean cancelled;
    private volatile Runnable onCancel = () -> {};

    void rowsRead(long rows) {
      rowsRead.set(rows);
    }

    long rowsRead() {
      return rowsRead.get();
    }

    double fraction() {
      return fraction;
    }

    /** Never goes back: a poller sees the fraction only grow. */
    synchronized void fraction(double done) {
      fraction = Math.max(fraction, Math.min(1, done));
    }

    boolean cancelled() {
      return cancelled;
    }

    /** Throws once the job is cancelled: work calls it between steps. */
    void checkCancelled() {
      if (cancelled) {
        throw new CancellationException("cancelled");
      }
    }

    /** What stops the work at once when the job is cancelled (a pipeline's cancel). */
    void onCancel(Runnable stop) {
      onCancel = stop;
      if (cancelled) {
        stop.run();
      }
    }

    private void cancel() {
      cancelled = true;
      onCancel.run();
    }
  }

  /** A job's work: the table it answers with, or a {@link BadRequest} saying what is too big. */
  interface Work {
    QueryTable run(Progress progress) throws Exception;
  }

  enum Status {
    QUEUED,
    RUNNING,
    DONE,
    FAILED,
    CANCELLED;

    boolean finished() {
      return this == DONE || this == FAILED || this == CANCELLED;
    }
  }

  /** One job; its fields are read by pollers while its thread writes them. */
  static final class Job {
    final String id;
    final String kind;
    final Progress progress = new Progress();
    private volatile Status status = Status.QUEUED;
    private volatile QueryTable result;
    private volatile long tookMs;
    private volatile Map<String, String> error;
    private volatile Instant finishedAt;

    private Job(String id, String kind) {
      this.id = id;
      this.kind = kind;
    }

    Status status() {
      return status;
    }

    QueryTable result() {
      return result;
    }

    long tookMs() {
      return tookMs;
    }

    Map<String, String> error() {
      return error;
    }
  }

  private final Clock clock;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Map<String, Job> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Job> eldest) {
          return size() > CACHED;
        }
      };
  private final SecureRandom random = new SecureRandom();
  private final ThreadPoolExecutor executor;

  HistoryJobs(Clock clock) {
    this.clock = clock;
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            RUNNING_AT_ONCE,
            RUNNING_AT_ONCE,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUED_AT_MOST),
            r -> {
              Thread t = new Thread(r, "history-job-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts {@code work} as a job, or answers with a done one when {@code cacheKey} (null for a
   * query whose data may still change) names a result already computed.
   */
  Job submit(String kind, String cacheKey, Work work) {
    expire();
    Job cached;
    synchronized (cache) {
      cached = cacheKey == null ? null : cache.get(cacheKey);
    }
    Job job = new Job(newId(), kind);
    if (cached != null) {
      job.result = cached.result;
      job.tookMs = cached.tookMs;
      job.progress.rowsRead(cached.progress.rowsRead());
      job.progress.fraction(1);
      finish(job, Status.DONE);
      jobs.put(job.id, job);
      return job;
    }
    if (jobs.size() >= JOBS_KEPT) {
      throw new Overloaded("busy: " + JOBS_KEPT + " history jobs are kept; retry in a few minutes");
    }
    jobs.put(job.id, job);
    try {
      executor.execute(() -> run(job, cacheKey, work));
    } catch (RejectedExecutionException e) {
      jobs.remove(job.id);
      throw new Overloaded(
          "busy: "
              + RUNNING_AT_ONCE
              + " history jobs are running and "
              + QUEUED_AT_MOST
              + " waiting; retry shortly");
    }
    return job;
  }

  /** The job {@code id}; a 404 naming {@code job} when there is none (or no longer). */
  Job get(String id) {
    expire();
    Job job = id == null ? null : jobs.get(id);
    if (job == null) {
      throw new NotFound(
          "job: no history job '"
              + BadRequest.shown(String.valueOf(id))
              + "' (finished jobs are kept "
              + KEPT_FOR.toMinutes()
              + " minutes)");
    }
    return job;
  }

  /** Cancels the job {@code id} unless it has finished; either way, answers it. */
  Job cancel(String id) {
    Job job = get(id);
    synchronized (job) {
      if (!job.status.finished()) {
        finish(job, Status.CANCELLED);
        job.progress.cancel();
      }
    }
    return job;
  }

  private void run(Job job, String cacheKey, Work work) {
    synchronized (job) {
      if (job.status != Status.QUEUED) {
        return; // cancelled while it waited
      }
      job.status = Status.RUNNING;
    }
    long started = System.nanoTime();
    try {
      QueryTable table = work.run(job.progress);
      job.progress.checkCancelled();
      synchronized (job) {
        if (job.status == Status.RUNNING) {
          job.result = table;
          job.tookMs = (System.nanoTime() - started) / 1_000_000;
          job.progress.fraction(1);
          finish(job, Status.DONE);
        }
      }
      if (cacheKey != null && job.status == Status.DONE) {
        synchronized (cache) {
          cache.put(cacheKey, job);
        }
      }
    } catch (BadRequest e) {
      fail(job, e.parameter(), e.getMessage());
    } catch (InvalidFunnelException e) {
      String message = e.getMessage();
      fail(job, message.substring(0, Math.max(0, message.indexOf(':'))), message);
    } catch (CancellationException e) {
      // its status says so already
    } catch (Exception | Error e) {
      if (!job.progress.cancelled) {
        LOG.error("history job {} ({}) failed", job.id, job.kind, e);
        fail(job, null, "internal error");
      }
    }
  }

  private void fail(Job job, String field, String message) {
    synchronized (job) {
      if (!job.status.finished()) {
        Map<String, String> error = new LinkedHashMap<>();
        error.put("error", message);
        if (field != null) {
          error.put("field", field);
        }
        job.error = error;
        finish(job, Status.FAILED);
      }
    }
  }

  private void finish(Job job, Status status) {
    job.finishedAt = clock.instant();
    job.status = status;
  }

  /** Forgets the jobs finished longer than {@link #KEPT_FOR} ago. */
  private void expire() {
    Instant before = clock.instant().minus(KEPT_FOR);
    for (Iterator<Job> it = jobs.values().iterator(); it.hasNext(); ) {
      Job job = it.next();
      if (job.status.finished() && job.finishedAt.isBefore(before)) {
        it.remove();
      }
    }
  }

  private String newId() {
    byte[] bytes = new byte[8];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public void close() {
    jobs.values().forEach(job -> cancel(job.id));
    executor.shutdownNow();
  }
}
