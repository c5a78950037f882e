package io.clickstream.api;

import io.clickstream.core.RedisKeys;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.JedisPool;
import spark.Request;

/**
 * {@code GET /api/counts}: an event's counts over a range, per step bucket, optionally by a
 * dimension.
 */
final class CountsController {

  record Point(String t, long count) {}

  /**
   * @param key the dimension value exactly as the events carried it, {@code (none)} for events
   *     without one, {@code (other)} for the values over the cap, or {@code all}
   * @param missing true only for the series of events without a value ({@link DimensionKey})
   * @param other true only for the series of the values over the cap on distinct values per minute
   */
  record Series(String key, boolean missing, boolean other, List<Point> points) {}

  /**
   * @param by null when the counts are not broken down
   */
  record Counts(String event, String by, String step, String tz, List<Series> series) {}

  private final JedisPool redis;
  private final Clock clock;
  private final RecordedDimensions dimensions;

  CountsController(JedisPool redis, Clock clock, RecordedDimensions dimensions) {
    this.redis = redis;
    this.clock = clock;
    this.dimensions = dimensions;
  }

  Counts query(Request request) {
    CountsQuery query = QueryParams.counts(request::queryParams, clock.instant(), dimensions);
    Buckets buckets = new Buckets(query.from(), query.to(), query.step(), query.tz());
    Map<String, long[]> sums = sumPerBucket(query, buckets);
    if (query.by() == null) {
      sums.putIfAbsent(RedisKeys.FIELD_TOTAL, new long[buckets.starts.size()]);
    }
    return new Counts(
        query.event(),
        query.by() == null ? null : query.by().wireName(),
        query.step().wireName(),
        query.tz().getId(),
        series(sums, buckets, query.by() != null));
  }

  /**
   * Reads every minute hash of the range and adds each field's count into its bucket: key -> sums.
   */
  private Map<String, long[]> sumPerBucket(CountsQuery query, Buckets buckets) {
    String dimension = query.by() == null ? RedisKeys.UNDIVIDED : query.by().keyPart();
    Map<String, long[]> sums = new HashMap<>();
    MinuteHashes.read(
        redis,
        buckets,
        minute -> RedisKeys.counts(query.metric(), dimension, minute),
        (minute, fields) -> {
          int bucket = buckets.bucketOfMinute[minute];
          fields.forEach(
              (key, count) ->
                  sums.computeIfAbsent(key, k -> new long[buckets.starts.size()])[bucket] +=
                      Long.parseLong(count));
        });
    return sums;
  }

  /**
   * @param byDimension whether the keys are dimension values' hash fields, or the undivided total's
   */
  private static List<Series> series(
      Map<String, long[]> sums, Buckets buckets, boolean byDimension) {
    Map<String, Long> totals = new HashMap<>();
    sums.forEach((key, counts) -> totals.put(key, Arrays.stream(counts).sum()));
    Comparator<String> byTotalDescending =
        Comparator.comparing(totals::get, Comparator.reverseOrder());
    return sums.keySet().stream()
        // A value's field at 0 only keeps the value admitted under the cap (docs/redis-keys.md): no
        // series.
        .filter(field -> !byDimension || totals.get(field) != 0)
        .sorted(byTotalDescending.thenComparing(Comparator.naturalOrder()))
        .map(
            field -> {
              DimensionKey key = byDimension ? DimensionKey.ofField(field) : DimensionKey.of(field);
              return new Series(
                  key.key(), key.missing(), key.other(), points(sums.get(field), buckets));
            })
        .toList();
  }

  private static List<Point> points(long[] counts, Buckets buckets) {
    List<Point> points = new ArrayList<>(counts.length);
    for (int b = 0; b < counts.length; b++) {
      points.add(new Point(buckets.starts.get(b).toString(), counts[b]));
    }
    return points;
  }
}
