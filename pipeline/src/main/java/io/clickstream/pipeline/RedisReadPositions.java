package io.clickstream.pipeline;

import io.clickstream.core.RedisKeys;
import io.clickstream.pipeline.io.ReadPositions;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.JedisPooled;

/** Read positions in the Redis hash {@link RedisKeys#READ_POSITIONS}: salt bucket -> position. */
public final class RedisReadPositions implements ReadPositions {

  private final String redisUrl;
  private transient JedisPooled redis;

  public RedisReadPositions(String redisUrl) {
    this.redisUrl = redisUrl;
  }

  @Override
  public synchronized void save(int[] buckets, long completeUpTo) {
    Map<String, String> positions = new HashMap<>();
    for (int bucket : buckets) {
      positions.put(Integer.toString(bucket), Long.toString(completeUpTo));
    }
    redis().hset(RedisKeys.READ_POSITIONS, positions);
  }

  @Override
  public synchronized long lowest() {
    return redis().hvals(RedisKeys.READ_POSITIONS).stream().mapToLong(Long::parseLong).min().orElse(-1);
  }

  private JedisPooled redis() {
    if (redis == null) {
      redis = new JedisPooled(URI.create(redisUrl));
    }
    return redis;
  }
}
