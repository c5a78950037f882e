package io.clickstream.pipeline;

import io.clickstream.core.RedisConnections;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import java.time.Instant;
import java.util.List;
import redis.clients.jedis.JedisPooled;

/**
 * The ranges of session starts already backfilled, for a funnel version or for the counts, in
 * Redis. Running the same range again changes nothing but to count what had not finished before. A
 * funnel's ranges keep records of their own, so one overlapping another would count the overlap
 * twice; the counts' ranges report how many late rows each counted, which an overlap would report
 * twice. So an overlapping, different range is refused.
 */
public final class BackfilledRanges {

  private BackfilledRanges() {}

  /**
   * Records {@code [from, to)} for the version, or throws naming the earlier range it overlaps.
   *
   * @throws IllegalArgumentException when another, different range of the version overlaps it
   */
  public static void claim(
      String redisUrl, FunnelDefinition funnel, long fromMillis, long toMillis) {
    claim(
        redisUrl,
        RedisKeys.funnelBackfills(funnel.id(), funnel.version()),
        "funnel " + funnel.id() + " version " + funnel.version(),
        fromMillis,
        toMillis,
        Long.toString(System.currentTimeMillis()));
  }

  /**
   * Records {@code [from, to)} in the hash {@code key} with {@code value} (unless the range is
   * there already: run again, it keeps its value), or throws naming the earlier range it overlaps.
   *
   * @param what what the ranges were backfilled for, as the error names it
   * @throws IllegalArgumentException when another, different range in {@code key} overlaps it
   */
  static void claim(
      String redisUrl, String key, String what, long fromMillis, long toMillis, String value) {
    try (JedisPooled redis = RedisConnections.pooled(redisUrl)) {
      Object overlapped =
          redis.eval(
              CLAIM,
              List.of(key),
              List.of(
                  Long.toString(fromMillis),
                  Long.toString(toMillis),
                  field(fromMillis, toMillis),
                  value));
      if (overlapped != null) {
        String range = overlapped.toString();
        int dash = range.indexOf('-', 1); // the first character may be a minus sign
        throw new IllegalArgumentException(
            "["
                + Instant.ofEpochMilli(fromMillis)
                + ", "
                + Instant.ofEpochMilli(toMillis)
                + ") overlaps ["
                + Instant.ofEpochMilli(Long.parseLong(range.substring(0, dash)))
                + ", "
                + Instant.ofEpochMilli(Long.parseLong(range.substring(dash + 1)))
                + "), already backfilled for "
                + what
                + ": backfill that range again, or a range that does not overlap it");
      }
    }
  }

  /**
   * Checks and records in one step, so that two backfills started at once cannot both claim ranges
   * that overlap. Returns the overlapping range's field, or nil once the range is recorded.
   */
  private static final String CLAIM =
      """
      local from, to = tonumber(ARGV[1]), tonumber(ARGV[2])
      local ranges = redis.call('HKEYS', KEYS[1])
      for _, range in ipairs(ranges) do
        local other_from, other_to = string.match(range, '^(%-?%d+)%-(%-?%d+)$')
        other_from, other_to = tonumber(other_from), tonumber(other_to)
        local same = other_from == from and other_to == to
        if not same and other_from < to and from < other_to then
          return range
        end
      end
      redis.call('HSETNX', KEYS[1], ARGV[3], ARGV[4])
      return nil
      """;

  /** The hash field of a range. */
  static String field(long fromMillis, long toMillis) {
    return fromMillis + "-" + toMillis;
  }
}
