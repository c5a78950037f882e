package io.clickstream.pipeline;

import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import redis.clients.jedis.JedisPooled;

/**
 * The ranges of session starts already backfilled, for a funnel version or for the counts, in Redis.
 * Running the same range again changes nothing but to count what had not finished before. A funnel's
 * ranges keep records of their own, so one overlapping another would count the overlap twice; the
 * counts' ranges report how many late rows each counted, which an overlap would report twice. So an
 * overlapping, different range is refused.
 */
public final class BackfilledRanges {

  private BackfilledRanges() {}

  /**
   * Records {@code [from, to)} for the version, or throws naming the earlier range it overlaps.
   *
   * @throws IllegalArgumentException when another, different range of the version overlaps it
   */
  public static void claim(String redisUrl, FunnelDefinition funnel, long fromMillis, long toMillis) {
    claim(redisUrl, RedisKeys.funnelBackfills(funnel.id(), funnel.version()),
        "funnel " + funnel.id() + " version " + funnel.version(), fromMillis, toMillis,
        Long.toString(System.currentTimeMillis()));
  }

  /**
   * Records {@code [from, to)} in the hash {@code key} with {@code value} (unless the range is there
   * already: run again, it keeps its value), or throws naming the earlier range it overlaps.
   *
   * @param what what the ranges were backfilled for, as the error names it
   * @throws IllegalArgumentException when another, different range in {@code key} overlaps it
   */
  static void claim(String redisUrl, String key, String what, long fromMillis, long toMillis, String value) {
    try (JedisPooled redis = new JedisPooled(URI.create(redisUrl))) {
      for (Map.Entry<String, String> range : redis.hgetAll(key).entrySet()) {
        String[] bounds = range.getKey().split("-");
        long otherFrom = Long.parseLong(bounds[0]);
        long otherTo = Long.parseLong(bounds[1]);
        boolean same = otherFrom == fromMillis && otherTo == toMillis;
        if (!same && otherFrom < toMillis && fromMillis < otherTo) {
          throw new IllegalArgumentException("[" + Instant.ofEpochMilli(fromMillis) + ", " + Instant.ofEpochMilli(toMillis)
              + ") overlaps [" + Instant.ofEpochMilli(otherFrom) + ", " + Instant.ofEpochMilli(otherTo)
              + "), already backfilled for " + what + ": backfill that range again, or a range that does not overlap it");
        }
      }
      redis.hsetnx(key, field(fromMillis, toMillis), value);
    }
  }

  /** The hash field of a range. */
  static String field(long fromMillis, long toMillis) {
    return fromMillis + "-" + toMillis;
  }
}
