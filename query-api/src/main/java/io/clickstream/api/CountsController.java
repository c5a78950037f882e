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

/** {@code GET /api/counts}: an event's counts over a range, per step bucket, optionally by a dimension. */
final class CountsController {

  record Point(String t, long count) {}

  /** @param key the dimension value exactly as the events carried it, or {@code all} */
  record Series(String key, List<Point> points) {}

  /** @param by null when the counts are not broken down */
  record Counts(String event, String by, String step, String tz, List<Series> series) {}

  private final JedisPool redis;
  private final Clock clock;

  CountsController(JedisPool redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  Counts query(Request request) {
    CountsQuery query = QueryParams.counts(request::queryParams, clock.instant());
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
        series(sums, buckets));
  }

  /** Reads every minute hash of the range and adds each field's count into its bucket: key -> sums. */
  private Map<String, long[]> sumPerBucket(CountsQuery query, Buckets buckets) {
    String dimension = query.by() == null ? RedisKeys.UNDIVIDED : query.by().wireName();
    Map<String, long[]> sums = new HashMap<>();
    MinuteHashes.read(redis, buckets, minute -> RedisKeys.counts(query.metric(), dimension, minute), (minute, fields) -> {
      int bucket = buckets.bucketOfMinute[minute];
      fields.forEach((key, count) ->
          sums.computeIfAbsent(key, k -> new long[buckets.starts.size()])[bucket] += Long.parseLong(count));
    });
    return sums;
  }

  private static List<Series> series(Map<String, long[]> sums, Buckets buckets) {
    Map<String, Long> totals = new HashMap<>();
    sums.forEach((key, counts) -> totals.put(key, Arrays.stream(counts).sum()));
    Comparator<String> byTotalDescending = Comparator.comparing(totals::get, Comparator.reverseOrder());
    return sums.keySet().stream()
        .sorted(byTotalDescending.thenComparing(Comparator.naturalOrder()))
        .map(key -> new Series(key, points(sums.get(key), buckets)))
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
