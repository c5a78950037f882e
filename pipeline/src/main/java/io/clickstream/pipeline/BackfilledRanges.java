package io.clickstream.pipeline;

import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import redis.clients.jedis.JedisPooled;

/**
 * The ranges of session starts already backfilled for a funnel version, in Redis. Each range keeps
 * its own records of what it counted, so running the same range again changes nothing and counts
 * what had not finished before; a range overlapping another one would count their overlap twice, so
 * it is refused.
 */
public final class BackfilledRanges {

  private BackfilledRanges() {}

  /**
   * Records {@code [from, to)} for the version, or throws naming the earlier range it overlaps.
   *
   * @throws IllegalArgumentException when another, different range of the version overlaps it
   */
  public static void claim(String redisUrl, FunnelDefinition funnel, long fromMillis, long toMillis) {
    String key = RedisKeys.funnelBackfills(funnel.id(), funnel.version());
    try (JedisPooled redis = new JedisPooled(URI.create(redisUrl))) {
      for (Map.Entry<String, String> range : redis.hgetAll(key).entrySet()) {
        String[] bounds = range.getKey().split("-");
        long otherFrom = Long.parseLong(bounds[0]);
        long otherTo = Long.parseLong(bounds[1]);
        boolean same = otherFrom == fromMillis && otherTo == toMillis;
        if (!same && otherFrom < toMillis && fromMillis < otherTo) {
          throw new IllegalArgumentException("[" + Instant.ofEpochMilli(fromMillis) + ", " + Instant.ofEpochMilli(toMillis)
              + ") overlaps [" + Instant.ofEpochMilli(otherFrom) + ", " + Instant.ofEpochMilli(otherTo)
              + "), already backfilled for funnel " + funnel.id() + " version " + funnel.version()
              + ": backfill that range again, or a range that does not overlap it");
        }
      }
      redis.hset(key, fromMillis + "-" + toMillis, Long.toString(System.currentTimeMillis()));
    }
  }
}
