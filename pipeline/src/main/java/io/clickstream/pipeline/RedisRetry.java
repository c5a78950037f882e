package io.clickstream.pipeline;

import io.clickstream.core.RedisUrls;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Carries a Redis write through an outage: a restart, a failover, an append-only file being loaded.
 * The pipeline's writes are idempotent, so a call whose answer was lost can simply be made again;
 * and a sink that cannot write has nothing better to do than wait, which holds the bundle back and
 * with it the read (back-pressure) rather than failing the pipeline. Only an outage longer than
 * {@link #PATIENCE} fails it, naming Redis.
 */
final class RedisRetry {

  /** How long a write waits for Redis before the pipeline gives up. */
  static final Duration PATIENCE = Duration.ofMinutes(10);

  private static final Logger LOG = LoggerFactory.getLogger(RedisRetry.class);
  private static final long FIRST_PAUSE_MILLIS = 100;
  private static final long LONGEST_PAUSE_MILLIS = 5_000;

  private RedisRetry() {}

  /** The value of {@code call}, made again until Redis answers or {@link #PATIENCE} has passed. */
  static <T> T call(String redisUrl, String what, Supplier<T> call) {
    long giveUpAt = System.nanoTime() + PATIENCE.toNanos();
    long pause = FIRST_PAUSE_MILLIS;
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (RuntimeException e) {
        if (!isOutage(e)) {
          throw e;
        }
        if (System.nanoTime() + pause * 1_000_000 > giveUpAt) {
          throw new IllegalStateException(
              what
                  + ": Redis at "
                  + RedisUrls.masked(redisUrl)
                  + " has not answered for "
                  + PATIENCE.toMinutes()
                  + " minutes; check that it is running and reachable",
              e);
        }
        // Every attempt while it is short, then every tenth: an outage of minutes logs a line a
        // minute or so.
        if (attempt <= 3 || attempt % 10 == 0) {
          LOG.warn(
              "{}: Redis at {} unavailable (attempt {}), retrying in {} ms: {}",
              what,
              RedisUrls.masked(redisUrl),
              attempt,
              pause,
              e.getMessage());
        }
        pause(pause);
        pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
      }
    }
  }

  /** {@code call}, made again until Redis answers or {@link #PATIENCE} has passed. */
  static void run(String redisUrl, String what, Runnable call) {
    call(
        redisUrl,
        what,
        () -> {
          call.run();
          return null;
        });
  }

  /**
   * {@code call}, made once, and skipped with a warning if Redis is away: for writes that only
   * report (a read position, the status), which the next one a few seconds later makes good.
   * Holding the pipeline back for them would stall it for no gain.
   */
  static void orSkip(String redisUrl, String what, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      if (!isOutage(e)) {
        throw e;
      }
      LOG.warn(
          "{}: Redis at {} unavailable, skipped until the next one: {}",
          what,
          RedisUrls.masked(redisUrl),
          e.getMessage());
    }
  }

  /**
   * Whether Redis is away rather than refusing the command: no connection, or a Redis still loading
   * its data set after a restart ({@code LOADING}) or not yet a master after a failover.
   */
  private static boolean isOutage(RuntimeException e) {
    if (e instanceof JedisConnectionException) {
      return true;
    }
    String message = e.getMessage();
    return e instanceof JedisDataException
        && message != null
        && (message.startsWith("LOADING")
            || message.startsWith("READONLY")
            || message.startsWith("MASTERDOWN"));
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Redis", e);
    }
  }
}
