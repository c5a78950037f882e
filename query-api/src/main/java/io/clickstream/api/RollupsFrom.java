package io.clickstream.api;

import io.clickstream.core.RedisKeys;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * From which minute on the pipeline's hour and day rollups are complete ({@link
 * RedisKeys#ROLLUPS_FROM}), so a range may read them instead of their minutes. Read at each query,
 * one GET, rather than kept: a Redis flushed and written again by an older release would otherwise
 * be read from rollups it does not have.
 */
final class RollupsFrom {

  /** No rollups: no minute is late enough. */
  static final long NONE = Long.MAX_VALUE;

  private final JedisPool redis;

  RollupsFrom(JedisPool redis) {
    this.redis = redis;
  }

  /** The first epoch minute whose hour and day may be read whole; {@link #NONE} if none. */
  long minute() {
    try (Jedis jedis = redis.getResource()) {
      return minuteOf(jedis.get(RedisKeys.ROLLUPS_FROM));
    }
  }

  /** The first whole minute at or after the recorded epoch ms; {@link #NONE} if unreadable. */
  static long minuteOf(String recordedMillis) {
    try {
      return recordedMillis == null
          ? NONE
          : -Math.floorDiv(-Long.parseLong(recordedMillis.strip()), 60_000L);
    } catch (NumberFormatException e) {
      return NONE;
    }
  }
}
