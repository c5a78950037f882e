package io.clickstream.api;

import io.clickstream.core.DimensionName;
import io.clickstream.core.RedisKeys;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import redis.clients.jedis.JedisPool;
import spark.Request;

/**
 * {@code GET /api/counts}: an event's counts over a range, per step bucket, optionally by a
 * dimension: the {@code limit} values with the largest totals, and {@code (other)} for the rest.
 */
final class CountsController {

  record Point(String t, long count) {}

  /**
   * @param key the dimension value exactly as the events carried it, {@code (none)} for events
   *     without one, {@code (other)} for the values over the cap, or {@code all}
   * @param missing true only for the series of events without a value ({@link DimensionKey})
   * @param other true only for the series {@code (other)}: the values over the cap on distinct
   *     values per minute and those past the top {@code limit}
   */
  record Series(String key, boolean missing, boolean other, List<Point> points) {}

  /**
   * @param by null when the counts are not broken down
   * @param step null for the top values, one bucket for the whole range
   */
  record Counts(String event, String by, String step, String tz, List<Series> series) {}

  /**
   * The sessions started with their figures.
   *
   * @param figures per series of {@code counts}, bucket and figure ({@link SessionFigureSums})
   */
  record Sessions(Counts counts, long[][][] figures) {}

  private final JedisPool redis;
  private final Clock clock;
  private final RecordedDimensions dimensions;
  private final RollupsFrom rollups;

  CountsController(
      JedisPool redis, Clock clock, RecordedDimensions dimensions, RollupsFrom rollups) {
    this.redis = redis;
    this.clock = clock;
    this.dimensions = dimensions;
    this.rollups = rollups;
  }

  Counts query(Request request) {
    return query(request::queryParams);
  }

  /**
   * The counts {@code params} ask for: the GET route's and the notebook query's ({@code counts}).
   */
  Counts query(Function<String, String> params) {
    return counts(QueryParams.counts(params, clock.instant(), dimensions));
  }

  /** The top values over the range, one total each ({@link QueryParams#topValues}). */
  Counts top(Function<String, String> params) {
    return counts(QueryParams.topValues(params, clock.instant(), dimensions));
  }

  /** The counts of {@code _sessions} that {@code params} ask for, with the sessions' figures. */
  Sessions sessions(Function<String, String> params) {
    CountsQuery query = QueryParams.counts(params, clock.instant(), dimensions);
    Counts counts = counts(query);
    return new Sessions(
        counts,
        SessionFigureSums.read(
            redis, ReadPlan.of(query.buckets(), rollups.minute()), query, counts));
  }

  private Counts counts(CountsQuery query) {
    Buckets buckets = query.buckets();
    ReadPlan plan = ReadPlan.of(buckets, rollups.minute());
    String dimension = query.by() == null ? RedisKeys.UNDIVIDED : query.by().keyPart();
    TopSeries.Result top =
        TopSeries.of(
            visitor ->
                RangeHashes.read(
                    redis,
                    plan,
                    (period, index) -> RedisKeys.counts(query.metric(), dimension, period, index),
                    visitor),
            buckets.count(),
            query.limit(),
            // The values over the pipeline's cap are one series with the values past the top.
            field -> query.by() != null && DimensionName.isOther(field));
    return new Counts(
        query.event(),
        query.by() == null ? null : query.by().wireName(),
        query.step() == null ? null : query.step().wireName(),
        query.tz().getId(),
        query.by() == null ? undivided(top, buckets) : series(top, buckets));
  }

  /** The one series {@code all}, zeros included when nothing was counted. */
  private static List<Series> undivided(TopSeries.Result top, Buckets buckets) {
    long[] counts =
        top.top().isEmpty() ? new long[buckets.starts.size()] : top.top().get(0).perBucket();
    return List.of(new Series(RedisKeys.FIELD_TOTAL, false, false, points(counts, buckets)));
  }

  /** The top values' series, largest total first, then {@code (other)} for the rest. */
  private static List<Series> series(TopSeries.Result top, Buckets buckets) {
    List<Series> series = new ArrayList<>();
    for (TopSeries.Sum sum : top.top()) {
      DimensionKey key = DimensionKey.ofField(sum.field());
      series.add(
          new Series(key.key(), key.missing(), key.other(), points(sum.perBucket(), buckets)));
    }
    if (top.rest() != null) {
      series.add(new Series(DimensionName.OTHER, false, true, points(top.rest(), buckets)));
    }
    return series;
  }

  private static List<Point> points(long[] counts, Buckets buckets) {
    List<Point> points = new ArrayList<>(counts.length);
    for (int b = 0; b < counts.length; b++) {
      points.add(new Point(buckets.starts.get(b).toString(), counts[b]));
    }
    return points;
  }
}
