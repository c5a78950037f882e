package io.clickstream.pipeline.testing;

import io.clickstream.core.RedisKeys;
import io.clickstream.pipeline.Contribution;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Reads every count the pipeline keeps in Redis, as {@code key + "\n" + field -> count}. */
public final class RedisCounts {

  private RedisCounts() {}

  /**
   * Event counts, catalog totals and funnel results, leaving out counts of 0: those are fields a
   * dimension's hash keeps to remember an admitted value (docs/redis-keys.md, "The cap on distinct
   * values"), and count nothing.
   */
  public static Map<String, Long> all(JedisPooled redis) {
    Map<String, Long> counts = withZeros(redis);
    counts.values().removeIf(n -> n == 0);
    return counts;
  }

  /**
   * As {@link #all}, with the fields at 0 ({@code oracle.CappedCounts} counts them as admitted
   * values).
   */
  public static Map<String, Long> withZeros(JedisPooled redis) {
    Map<String, Long> counts = new TreeMap<>();
    addMatching(redis, RedisKeys.PREFIX + "cnt:*", counts);
    addMatching(redis, RedisKeys.PREFIX + "fr:*", counts);
    addHash(redis, RedisKeys.CATALOG_TOTAL, counts);
    return counts;
  }

  /**
   * The sum of the counts whose key starts with {@code keyPrefix} and whose field is {@code field}.
   */
  public static long sum(Map<String, Long> counts, String keyPrefix, String field) {
    return counts.entrySet().stream()
        .filter(c -> c.getKey().startsWith(keyPrefix) && c.getKey().endsWith("\n" + field))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  private static void addMatching(JedisPooled redis, String pattern, Map<String, Long> counts) {
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = redis.scan(cursor, new ScanParams().match(pattern).count(1000));
      for (String key : page.getResult()) {
        addHash(redis, key, counts);
      }
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
  }

  private static void addHash(JedisPooled redis, String key, Map<String, Long> counts) {
    redis
        .hgetAll(key)
        .forEach(
            (field, value) ->
                counts.put(Contribution.countField(key, field), Long.parseLong(value)));
  }
}
