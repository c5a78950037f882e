package io.clickstream.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.core.DimensionName;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import io.clickstream.core.funnel.FunnelResultFields;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
   * @param timeToConvert the results that reached it, by the time from step 1 in the bins of {@link
   *     #TIME_TO_CONVERT_EDGES}; null for step 1
   */
  record StepResult(
      String event,
      long count,
      Double conversionFromStart,
      Double conversionFromPrevious,
      Long medianSecondsFromStart,
      List<Bin> timeToConvert) {}

  /**
   * The results that reached a step in {@code [fromSeconds, belowSeconds)} after step 1; {@code
   * belowSeconds} null for the last bin.
   */
  record Bin(long fromSeconds, Long belowSeconds, long count) {}

  /**
   * The lower edges of the bins of time to convert, in seconds: 10 s, 30 s, 1, 2, 5, 10, 30 min, 1,
   * 2, 6 h, 1, 3, 7 days. Fixed, so that results compare across funnels and ranges; the exact
   * seconds stay in the {@code secs} histograms (and the median).
   */
  static final List<Long> TIME_TO_CONVERT_EDGES =
      List.of(
          0L, 10L, 30L, 60L, 120L, 300L, 600L, 1_800L, 3_600L, 7_200L, 21_600L, 86_400L, 259_200L,
          604_800L);

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
    String id = request.params(":id");
    Function<String, String> params = request::queryParams;
    return QueryParams.comparedWithPrevious(params)
        ? comparedWithPrevious(id, params)
        : query(id, params);
  }

  /**
   * The results over the range with {@code compare}: their table's rows ({@link QueryTable}), each
   * count beside the same row's over the period as long just before ({@link Comparison}).
   */
  private ObjectNode comparedWithPrevious(String id, Function<String, String> params) {
    QueryParams.Range range = QueryParams.range(params, clock.instant());
    QueryParams.Range before = QueryParams.previous(range);
    Object current = query(id, QueryParams.over(params, range));
    QueryTable compared =
        Comparison.of(
            QueryTable.ofFunnel(current, range),
            QueryTable.ofFunnel(query(id, QueryParams.over(params, before)), before),
            before);
    Map<String, Object> compare = new LinkedHashMap<>();
    compare.put("with", QueryRequest.PREVIOUS);
    compare.put("previous_from", before.from().toString());
    compare.put("previous_to", before.to().toString());
    compare.put("rows", compared.rowObjects());
    ObjectNode answer = Json.object(current);
    answer.set("compare", Json.object(compare));
    return answer;
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
    int n = funnel.stepCount();
    long[] reached = new long[n];
    long[] openAndDropped = new long[2];
    List<Map<Long, Long>> seconds = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      seconds.add(new HashMap<>());
    }
    Map<String, long[]> byValue = new HashMap<>();
    // The values over the cap, and those past MAX_VALUES_SUMMED, summed as they come.
    long[] rest = new long[n];
    String by = query.by() == null ? null : query.by().keyPart();
    RangeHashes.read(
        redis,
        ReadPlan.of(query.buckets(), rollups.minute()),
        (period, index) -> RedisKeys.funnelResults(funnel.id(), funnel.version(), period, index),
        (bucket, fields) ->
            fields.forEach(
                (name, value) -> {
                  long count = Long.parseLong(value);
                  FunnelResultFields.Field field = FunnelResultFields.decode(name);
                  int step = stepOf(field, n);
                  switch (field.kind()) {
                    case REACHED -> addAt(reached, step, count);
                    case IN_PROGRESS -> openAndDropped[0] += count;
                    case DROPPED -> openAndDropped[1] += count;
                    case SECONDS_TO_STEP -> {
                      if (step >= 0) {
                        seconds.get(step).merge(field.seconds(), count, Long::sum);
                      }
                    }
                    case REACHED_BY -> {
                      if (step >= 0 && field.dimension().equals(by)) {
                        sumsOf(byValue, rest, field.value(), n)[step] += count;
                      }
                    }
                    default -> {} // a field of another release: nothing this answer shows
                  }
                }));
    return new Totals(
        funnel.id(),
        funnel.version(),
        zoned(query.from(), query.tz()),
        zoned(query.to(), query.tz()),
        steps(funnel, reached, seconds),
        openAndDropped[0],
        openAndDropped[1],
        query.by() == null ? null : query.by().wireName(),
        query.by() == null ? null : breakdown(byValue, rest, query.limit()));
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
                    case REACHED -> addAt(reached[b], stepOf(field, n), Long.parseLong(value));
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

  private static List<StepResult> steps(
      FunnelDefinition funnel, long[] reached, List<Map<Long, Long>> seconds) {
    List<StepResult> steps = new ArrayList<>(reached.length);
    for (int j = 0; j < reached.length; j++) {
      steps.add(
          new StepResult(
              funnel.steps().get(j).event(),
              reached[j],
              ratio(reached[j], reached[0]),
              j == 0 ? ratio(reached[0], reached[0]) : ratio(reached[j], reached[j - 1]),
              j == 0 ? Long.valueOf(0) : lowerMedian(seconds.get(j)),
              j == 0 ? null : timeToConvert(seconds.get(j))));
    }
    return steps;
  }

  /**
   * Where a value's counts per step go: its own sums, or {@code rest} for the values over the cap
   * and, once {@link ReadLimits#MAX_VALUES_SUMMED} values have sums, for any value not seen yet.
   */
  private static long[] sumsOf(Map<String, long[]> byValue, long[] rest, String field, int n) {
    long[] sums = byValue.get(field);
    if (sums != null) {
      return sums;
    }
    if (DimensionName.isOther(field) || byValue.size() >= ReadLimits.MAX_VALUES_SUMMED) {
      return rest;
    }
    sums = new long[n];
    byValue.put(field, sums);
    return sums;
  }

  /**
   * The {@code limit} rows with the most results at step 1 (then by value), and one {@code (other)}
   * row, last, for the rest: the values over the cap and those past the top.
   */
  private static List<Breakdown> breakdown(Map<String, long[]> byValue, long[] rest, int limit) {
    List<Breakdown> rows =
        byValue.entrySet().stream()
            .map(
                e -> {
                  DimensionKey key = DimensionKey.ofField(e.getKey());
                  return new Breakdown(key.key(), key.missing(), key.other(), e.getValue());
                })
            .sorted(
                Comparator.comparingLong((Breakdown b) -> -b.counts()[0])
                    .thenComparing(Breakdown::key))
            .toList();
    List<Breakdown> top = new ArrayList<>(rows.subList(0, Math.min(limit, rows.size())));
    for (Breakdown past : rows.subList(top.size(), rows.size())) {
      for (int j = 0; j < rest.length; j++) {
        rest[j] += past.counts()[j];
      }
    }
    if (Arrays.stream(rest).anyMatch(c -> c != 0)) {
      top.add(new Breakdown(DimensionName.OTHER, false, true, rest));
    }
    return top;
  }

  /**
   * The lower median of a histogram seconds -> results: the ((N + 1) / 2)-th smallest; null when
   * empty.
   */
  /** A step's seconds from step 1, in the bins of {@link #TIME_TO_CONVERT_EDGES}. */
  static List<Bin> timeToConvert(Map<Long, Long> histogram) {
    int bins = TIME_TO_CONVERT_EDGES.size();
    long[] counts = new long[bins];
    histogram.forEach(
        (seconds, count) -> {
          int bin = bins - 1;
          while (TIME_TO_CONVERT_EDGES.get(bin) > seconds) {
            bin--;
          }
          counts[bin] += count;
        });
    List<Bin> result = new ArrayList<>(bins);
    for (int b = 0; b < bins; b++) {
      result.add(
          new Bin(
              TIME_TO_CONVERT_EDGES.get(b),
              b + 1 < bins ? TIME_TO_CONVERT_EDGES.get(b + 1) : null,
              counts[b]));
    }
    return result;
  }

  static Long lowerMedian(Map<Long, Long> histogram) {
    long total = histogram.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return null;
    }
    long rank = (total + 1) / 2;
    long seen = 0;
    for (Map.Entry<Long, Long> e : new TreeMap<>(histogram).entrySet()) {
      seen += e.getValue();
      if (seen >= rank) {
        return e.getKey();
      }
    }
    throw new IllegalStateException("unreachable");
  }

  private static Double ratio(long part, long whole) {
    return whole == 0 ? null : (double) part / whole;
  }

  private static String zoned(Instant instant, ZoneId tz) {
    return instant.atZone(tz).toOffsetDateTime().toString();
  }

  /** The 0-based index of a field's step, or -1 when it is not a step of the funnel. */
  private static int stepOf(FunnelResultFields.Field field, int n) {
    return field.step() >= 1 && field.step() <= n ? field.step() - 1 : -1;
  }

  private static void addAt(long[] sums, int index, long count) {
    if (index >= 0) {
      sums[index] += count;
    }
  }
}
