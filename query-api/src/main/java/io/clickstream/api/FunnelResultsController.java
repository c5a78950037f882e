package io.clickstream.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import io.clickstream.core.funnel.FunnelResultFields;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import redis.clients.jedis.JedisPool;
import spark.Request;

/**
 * {@code GET /api/funnels/{id}/results}: a funnel version's results over a range, as totals per
 * step (with conversions, median times and an optional breakdown) or, with {@code step}, as a
 * trend.
 */
final class FunnelResultsController {

  /**
   * @param conversionFromStart count / count of step 1; null when step 1 has none
   * @param conversionFromPrevious count / count of the previous step (1.0 for step 1); null when
   *     that has none
   * @param medianSecondsFromStart the lower median of the whole seconds from step 1; null when none
   *     reached it
   */
  record StepResult(
      String event,
      long count,
      Double conversionFromStart,
      Double conversionFromPrevious,
      Long medianSecondsFromStart) {}

  /**
   * @param key the first-touch value, {@code (none)} with {@code missing} true, or {@code (other)}
   *     with {@code other} true for the values over the cap on distinct values per minute and those
   *     past the top {@code limit} ({@link DimensionKey})
   * @param counts per step: results whose first-touch value is {@code key} that reached it
   */
  record Breakdown(String key, boolean missing, boolean other, long[] counts) {}

  /**
   * @param by and {@code breakdown} are present only when the request asked for a breakdown
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Totals(
      String funnel,
      int version,
      String from,
      String to,
      List<StepResult> steps,
      long inProgress,
      long dropped,
      String by,
      List<Breakdown> breakdown) {}

  record TrendPoint(String t, long[] counts, long inProgress, long dropped) {}

  record Trend(String funnel, int version, String step, String tz, List<TrendPoint> series) {}

  private final FunnelStore store;
  private final JedisPool redis;
  private final Clock clock;
  private final RollupsFrom rollups;

  FunnelResultsController(FunnelStore store, JedisPool redis, Clock clock, RollupsFrom rollups) {
    this.store = store;
    this.redis = redis;
    this.clock = clock;
    this.rollups = rollups;
  }

  Object query(Request request) {
    return query(request.params(":id"), request::queryParams);
  }

  /**
   * Funnel {@code id}'s {@link Totals} or {@link Trend} as {@code params} ask for them: the GET
   * route's and the notebook query's ({@code funnel}).
   */
  Object query(String id, Function<String, String> params) {
    FunnelDefinition funnel =
        FunnelDefinitions.parse(store.definition(id, QueryParams.funnelVersion(params)), id);
    FunnelResultsQuery query = QueryParams.funnelResults(params, clock.instant(), funnel);
    return query.step() == null ? totals(query) : trend(query);
  }

  private Totals totals(FunnelResultsQuery query) {
    FunnelDefinition funnel = query.funnel();
    FunnelTotals totals = new FunnelTotals(funnel, query.by());
    RangeHashes.read(
        redis,
        ReadPlan.of(query.buckets(), rollups.minute()),
        (period, index) -> RedisKeys.funnelResults(funnel.id(), funnel.version(), period, index),
        (bucket, fields) ->
            fields.forEach((name, value) -> totals.add(name, Long.parseLong(value))));
    return totals.totals(
        zoned(query.from(), query.tz()), zoned(query.to(), query.tz()), query.limit());
  }

  private Trend trend(FunnelResultsQuery query) {
    FunnelDefinition funnel = query.funnel();
    int n = funnel.stepCount();
    Buckets buckets = query.buckets();
    int size = buckets.count();
    long[][] reached = new long[size][n];
    long[] open = new long[size];
    long[] dropped = new long[size];
    RangeHashes.read(
        redis,
        ReadPlan.of(buckets, rollups.minute()),
        (period, index) -> RedisKeys.funnelResults(funnel.id(), funnel.version(), period, index),
        (b, fields) ->
            fields.forEach(
                (name, value) -> {
                  FunnelResultFields.Field field = FunnelResultFields.decode(name);
                  switch (field.kind()) {
                    case REACHED ->
                        FunnelTotals.addAt(
                            reached[b], FunnelTotals.stepOf(field, n), Long.parseLong(value));
                    case IN_PROGRESS -> open[b] += Long.parseLong(value);
                    case DROPPED -> dropped[b] += Long.parseLong(value);
                    default -> {} // the trend shows only these
                  }
                }));
    List<TrendPoint> series = new ArrayList<>(size);
    for (int b = 0; b < size; b++) {
      series.add(new TrendPoint(buckets.starts.get(b).toString(), reached[b], open[b], dropped[b]));
    }
    return new Trend(
        funnel.id(), funnel.version(), query.step().wireName(), query.tz().getId(), series);
  }

  private static String zoned(Instant instant, ZoneId tz) {
    return instant.atZone(tz).toOffsetDateTime().toString();
  }
}
