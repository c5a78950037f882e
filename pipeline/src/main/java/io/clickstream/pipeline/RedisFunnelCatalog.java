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
 * how a new, changed or deleted funnel reaches the running pipeline without a restart.
 *
 * <p>A version that is refused on reading or that throws when evaluated is recorded in {@link
 * RedisKeys#FUNNEL_FAILURES} with the reason, and left out from then on by every worker.
 */
public final class RedisFunnelCatalog implements FunnelCatalog {

  static final long REFRESH_MILLIS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(RedisFunnelCatalog.class);

  private final String redisUrl;
  private transient JedisPooled redis;
  private transient List<FunnelDefinition> cached;
  private transient long readAt;

  /**
   * Versions that failed in this worker, left out even before the failure is read back from Redis.
   */
  private transient Map<String, Integer> failedHere;

  public RedisFunnelCatalog(String redisUrl) {
    this.redisUrl = redisUrl;
  }

  @Override
  public synchronized List<FunnelDefinition> current() {
    long now = System.currentTimeMillis();
    if (cached == null || now - readAt >= REFRESH_MILLIS) {
      try {
        // A worker with no definitions yet waits for Redis: counting without them would lose the
        // funnels'
        // results for good. One that has them keeps counting with them; the next refresh tries
        // again.
        cached =
            cached == null
                ? RedisRetry.call(redisUrl, "reading funnel definitions", this::read)
                : read();
      } catch (JedisException e) {
        LOG.warn(
            "Could not re-read funnel definitions from {}: {}",
            RedisUrls.masked(redisUrl),
            e.getMessage());
        if (cached == null) {
          cached = List.of();
        }
      }
      readAt = now;
    }
    return cached;
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
