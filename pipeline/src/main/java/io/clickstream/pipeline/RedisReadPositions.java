package io.clickstream.pipeline;

import io.clickstream.core.RedisConnections;
import io.clickstream.core.RedisKeys;
import io.clickstream.pipeline.io.ReadPositions;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptions;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Pipeline;

/**
 * Read positions in the Redis hash {@link RedisKeys#READ_POSITIONS} (salt bucket -> position) and
 * the density of the writes read in {@link RedisKeys#READ_RATES} (salt bucket -> cells per second).
 */
public final class RedisReadPositions implements ReadPositions {

  /**
   * The value the JVM computed for this class before it declared one: savepoints hold instances
   * (inside the source's splits), and any new method would change a computed one.
   */
  private static final long serialVersionUID = 3266375856442467295L;

  private final String redisUrl;
  private transient JedisPooled redis;

  public RedisReadPositions(String redisUrl) {
    this.redisUrl = redisUrl;
  }

  /**
   * Each bucket gets an equal share of the density, so that whoever estimates the backlog sums over
   * buckets without knowing how they were grouped into readers (the salt spreads writes evenly).
   * Skipped while Redis is away ({@link RedisRetry#orSkip}): a position a little old only means a
   * little more to read again after a restart.
   */
  @Override
  public synchronized void save(int[] buckets, long completeUpTo, double cellsPerSecond) {
    RedisRetry.orSkip(
        redisUrl,
        "recording the read position",
        () -> {
          try (Pipeline both = redis().pipelined()) {
            both.hset(RedisKeys.READ_POSITIONS, byBucket(buckets, Long.toString(completeUpTo)));
            if (!Double.isNaN(cellsPerSecond)) {
              both.hset(
                  RedisKeys.READ_RATES,
                  byBucket(
                      buckets,
                      String.format(Locale.ROOT, "%.6f", cellsPerSecond / buckets.length)));
            }
            both.sync();
          }
        });
  }

  /** Waits for Redis ({@link RedisRetry}): where to start cannot be guessed. */
  @Override
  public synchronized long lowest() {
    return RedisRetry.call(
        redisUrl,
        "reading the recorded read position",
        () ->
            redis().hvals(RedisKeys.READ_POSITIONS).stream()
                .mapToLong(Long::parseLong)
                .min()
                .orElse(-1L));
  }

  @Override
  public ReadPositions at(PipelineOptions options) {
    String url = options.as(ClickstreamOptions.class).getRedisUrl();
    return url.equals(redisUrl) ? this : new RedisReadPositions(url);
  }

  private JedisPooled redis() {
    if (redis == null) {
      redis = RedisConnections.pooled(redisUrl);
    }
    return redis;
  }

  private static Map<String, String> byBucket(int[] buckets, String value) {
    Map<String, String> fields = new HashMap<>();
    for (int bucket : buckets) {
      fields.put(Integer.toString(bucket), value);
    }
    return fields;
  }
}
