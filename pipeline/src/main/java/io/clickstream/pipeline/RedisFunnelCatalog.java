package io.clickstream.pipeline;

import io.clickstream.core.RedisConnections;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.RedisUrls;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import io.clickstream.core.funnel.FunnelFailure;
import io.clickstream.core.funnel.InvalidFunnelException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The funnel definitions stored in Redis by the API, re-read at most every {@link #REFRESH_MILLIS}:
 * how a new, changed or deleted funnel reaches the running pipeline without a restart. A result
 * that a funnel saved since the last read could cover re-reads at once ({@link #current(long)}), so
 * a new funnel counts every session from its live_from on as it is handled.
 *
 * <p>A version that is refused on reading or that throws when evaluated is recorded in {@link
 * RedisKeys#FUNNEL_FAILURES} with the reason, and left out from then on by every worker.
 */
public final class RedisFunnelCatalog implements FunnelCatalog {

  static final long REFRESH_MILLIS = 2_000;

  /**
   * How much earlier than this worker's read a funnel missing from it may have its live_from: the
   * API stamps live_from by its own clock, just before it stores the funnel. The API's and the
   * workers' clocks are taken to agree within this (they are one clock in the demo).
   */
  static final long LIVE_FROM_SLACK_MILLIS = 50;

  private static final Logger LOG = LoggerFactory.getLogger(RedisFunnelCatalog.class);

  private final String redisUrl;
  private transient JedisPooled redis;
  private transient List<FunnelDefinition> cached;
  private transient long readAt;
  private transient boolean lastReadFailed;

  /**
   * Versions that failed in this worker, left out even before the failure is read back from Redis.
   */
  private transient Map<String, Integer> failedHere;

  public RedisFunnelCatalog(String redisUrl) {
    this.redisUrl = redisUrl;
  }

  @Override
  public List<FunnelDefinition> current() {
    return current(Long.MIN_VALUE); // no result that a funnel saved since could cover
  }

  /**
   * As {@link #current()}, re-read first when a funnel saved since the last read could cover a
   * result starting at {@code startMillis}. Without this, a session handled in the 2 s after its
   * funnel was saved was evaluated without it, and counted only at its next firing: for a session
   * that gets no more events, when the watermark passes its end, a session gap (30 min) later.
   */
  @Override
  public synchronized List<FunnelDefinition> current(long startMillis) {
    long now = System.currentTimeMillis();
    if (cached == null || now - readAt >= REFRESH_MILLIS || mayMiss(startMillis, now)) {
      refresh(now);
    }
    return cached;
  }

  /**
   * Whether a funnel missing from the last read could cover a result starting at {@code
   * startMillis}. Such a funnel was saved after the read, so its live_from is at least the read's
   * time, less {@link #LIVE_FROM_SLACK_MILLIS}; a result starting earlier is safe. That bounds the
   * re-reads: a session first fires an early-firing delay and a poll after its first event is
   * written, so after a re-read the sessions handled next mostly started before it. A result
   * stamped ahead of this clock is never safe, so those re-read at most every {@link
   * #LIVE_FROM_SLACK_MILLIS}; and after a failed read only the periodic refresh tries again, so
   * that Redis being down does not cost a failed read per session.
   */
  private boolean mayMiss(long startMillis, long now) {
    if (lastReadFailed || startMillis < readAt - LIVE_FROM_SLACK_MILLIS) {
      return false;
    }
    return startMillis <= now || now - readAt >= LIVE_FROM_SLACK_MILLIS;
  }

  /** Reads the definitions as of {@code now}, a time taken before the read starts. */
  private void refresh(long now) {
    try {
      // A worker with no definitions yet waits for Redis: counting without them would lose the
      // funnels' results for good. One that has them keeps counting with them; the next refresh
      // tries again.
      cached =
          cached == null
              ? RedisRetry.call(redisUrl, "reading funnel definitions", this::read)
              : read();
      lastReadFailed = false;
    } catch (JedisException e) {
      LOG.warn(
          "Could not re-read funnel definitions from {}: {}",
          RedisUrls.masked(redisUrl),
          e.getMessage());
      if (cached == null) {
        cached = List.of();
      }
      lastReadFailed = true;
    }
    readAt = now;
  }

  @Override
  public synchronized void markFailed(FunnelDefinition funnel, RuntimeException cause) {
    LOG.error(
        "Funnel '{}' version {} cannot be evaluated and is left out from now on",
        funnel.id(),
        funnel.version(),
        cause);
    failedHere().put(funnel.id(), funnel.version());
    if (cached != null) {
      cached = cached.stream().filter(f -> !isFailedHere(f)).toList();
    }
    record(
        funnel.id(),
        new FunnelFailure(funnel.version(), cause.toString(), System.currentTimeMillis()));
  }

  private List<FunnelDefinition> read() {
    Map<String, String> failures = redis().hgetAll(RedisKeys.FUNNEL_FAILURES);
    List<FunnelDefinition> funnels = new ArrayList<>();
    for (Map.Entry<String, String> stored : redis().hgetAll(RedisKeys.FUNNELS).entrySet()) {
      String id = stored.getKey();
      FunnelFailure failure = FunnelFailure.parse(failures.get(id));
      int version = FunnelFailure.claimedVersion(stored.getValue());
      if (failure != null && failure.version() == version) {
        continue;
      }
      try {
        FunnelDefinition f = FunnelDefinitions.parse(stored.getValue(), id);
        if (!isFailedHere(f)) {
          funnels.add(f);
        }
      } catch (InvalidFunnelException e) {
        // Stored before today's rules, or written past the API: the same refusal the API would
        // give.
        LOG.warn("Leaving out the stored funnel {}: {}", id, e.getMessage());
        record(
            id,
            new FunnelFailure(
                version, "refused by the pipeline: " + e.getMessage(), System.currentTimeMillis()));
      }
    }
    return funnels;
  }

  private void record(String id, FunnelFailure failure) {
    try {
      redis().hset(RedisKeys.FUNNEL_FAILURES, id, failure.toJson());
    } catch (JedisException e) {
      // This worker leaves the funnel out anyway; the report is written by the next failure.
      LOG.warn("Could not record the failure of funnel {} in Redis: {}", id, e.getMessage());
    }
  }

  private boolean isFailedHere(FunnelDefinition f) {
    Integer failed = failedHere().get(f.id());
    return failed != null && failed == f.version();
  }

  private Map<String, Integer> failedHere() {
    if (failedHere == null) {
      failedHere = new HashMap<>();
    }
    return failedHere;
  }

  private JedisPooled redis() {
    if (redis == null) {
      redis = RedisConnections.pooled(redisUrl);
    }
    return redis;
  }
}
