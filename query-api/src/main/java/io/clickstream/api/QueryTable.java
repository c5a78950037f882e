package io.clickstream.api;

import io.clickstream.core.SessionFigures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A query's answer as a table (docs/notebook.md): the answers of the GET routes' controllers, laid
 * out as rows, so that every kind is drawn and compared the same way.
 *
 * @param columns the columns' names: first the {@code keys} that tell rows apart, then {@code
 *     count}, then any other measures
 * @param keys how many leading columns are keys; the one after them is {@code count}
 * @param meta what the query resolved to (range, version, ...), snake_case names
 */
record QueryTable(
    List<String> columns,
    int keys,
    List<List<Object>> rows,
    ChartSpec chart,
    Map<String, Object> meta) {

  static final String COUNT = "count";

  /** An event's counts (or sessions): a row per series and bucket, drawn as lines. */
  static QueryTable ofCounts(String kind, CountsController.Counts counts, QueryParams.Range range) {
    List<List<Object>> rows = new ArrayList<>();
    for (CountsController.Series series : counts.series()) {
      for (CountsController.Point point : series.points()) {
        rows.add(List.of(point.t(), series.key(), series.missing(), series.other(), point.count()));
      }
    }
    Map<String, Object> meta = meta(kind);
    meta.put("event", counts.event());
    meta.put("by", counts.by());
    meta.put("step", counts.step());
    meta.put("tz", counts.tz());
    withRange(meta, range);
    return new QueryTable(
        List.of("t", "key", "missing", "other", COUNT),
        4,
        rows,
        ChartSpec.line("t", COUNT, "key"),
        meta);
  }

  /**
   * The sessions started, each row of {@link #ofCounts} followed by the sessions' figures: their
   * events and bounces, events per session, bounce rate, and the length bucket holding the median
   * (its lower edge, and its upper edge or null for the last), nulls where no session started.
   */
  static QueryTable ofSessions(CountsController.Sessions sessions, QueryParams.Range range) {
    QueryTable counts = ofCounts("sessions", sessions.counts(), range);
    List<Long> edges = SessionFigures.LENGTH_EDGES_SECONDS;
    List<List<Object>> rows = new ArrayList<>(counts.rows().size());
    int r = 0;
    for (long[][] series : sessions.figures()) {
      for (long[] figures : series) {
        List<Object> row = new ArrayList<>(counts.rows().get(r++));
        long started = (Long) row.get(counts.keys());
        Integer median = SessionFigureSums.medianLengthBucket(figures);
        row.add(figures[SessionFigureSums.EVENTS]);
        row.add(figures[SessionFigureSums.BOUNCES]);
        row.add(ratio(figures[SessionFigureSums.EVENTS], started));
        row.add(ratio(figures[SessionFigureSums.BOUNCES], started));
        row.add(median == null ? null : edges.get(median));
        row.add(median == null || median + 1 == edges.size() ? null : edges.get(median + 1));
        rows.add(row);
      }
    }
    List<String> columns = new ArrayList<>(counts.columns());
    columns.addAll(
        List.of(
            "events",
            "bounces",
            "events_per_session",
            "bounce_rate",
            "median_length_seconds",
            "median_length_below_seconds"));
    return new QueryTable(columns, counts.keys(), rows, counts.chart(), counts.meta());
  }

  private static Double ratio(long part, long whole) {
    return whole == 0 ? null : (double) part / whole;
  }

  /** The top values of a dimension: a row per value (the range is one bucket), drawn as bars. */
  static QueryTable ofTop(CountsController.Counts counts, QueryParams.Range range) {
    List<List<Object>> rows = new ArrayList<>();
    for (CountsController.Series series : counts.series()) {
      long total = series.points().stream().mapToLong(CountsController.Point::count).sum();
      rows.add(List.of(series.key(), series.missing(), series.other(), total));
    }
    Map<String, Object> meta = meta("top");
    meta.put("event", counts.event());
    meta.put("by", counts.by());
    withRange(meta, range);
    return new QueryTable(
        List.of("key", "missing", "other", COUNT), 3, rows, ChartSpec.bar("key", COUNT), meta);
  }

  /**
   * A funnel's totals: a row per step with its conversions, or with {@code by} a row per step and
   * value; or its trend, a row per bucket and step, drawn as lines.
   */
  static QueryTable ofFunnel(Object results, QueryParams.Range range) {
    Map<String, Object> meta = meta("funnel");
    if (results instanceof FunnelResultsController.Trend trend) {
      return ofTrend(trend, range, meta);
    }
    FunnelResultsController.Totals totals = (FunnelResultsController.Totals) results;
    meta.put("funnel", totals.funnel());
    meta.put("version", totals.version());
    meta.put("by", totals.by());
    withRange(meta, range);
    meta.put("in_progress", totals.inProgress());
    meta.put("dropped", totals.dropped());
    List<FunnelResultsController.StepResult> steps = totals.steps();
    List<List<Object>> rows = new ArrayList<>();
    if (totals.breakdown() == null) {
      for (int j = 0; j < steps.size(); j++) {
        FunnelResultsController.StepResult step = steps.get(j);
        rows.add(
            Arrays.asList(
                j + 1,
                step.event(),
                step.count(),
                step.conversionFromStart(),
                step.conversionFromPrevious(),
                step.medianSecondsFromStart()));
      }
      return new QueryTable(
          List.of(
              "step",
              "event",
              COUNT,
              "conversion_from_start",
              "conversion_from_previous",
              "median_seconds_from_start"),
          2,
          rows,
          ChartSpec.funnel("step", "event", COUNT, null),
          meta);
    }
    for (FunnelResultsController.Breakdown row : totals.breakdown()) {
      for (int j = 0; j < steps.size(); j++) {
        rows.add(
            List.of(
                j + 1,
                steps.get(j).event(),
                row.key(),
                row.missing(),
                row.other(),
                row.counts()[j]));
      }
    }
    return new QueryTable(
        List.of("step", "event", "key", "missing", "other", COUNT),
        5,
        rows,
        ChartSpec.funnel("step", "event", COUNT, "key"),
        meta);
  }

  private static QueryTable ofTrend(
      FunnelResultsController.Trend trend, QueryParams.Range range, Map<String, Object> meta) {
    meta.put("funnel", trend.funnel());
    meta.put("version", trend.version());
    meta.put("step", trend.step());
    meta.put("tz", trend.tz());
    withRange(meta, range);
    long inProgress = 0;
    long dropped = 0;
    List<List<Object>> rows = new ArrayList<>();
    for (FunnelResultsController.TrendPoint point : trend.series()) {
      for (int j = 0; j < point.counts().length; j++) {
        rows.add(List.of(point.t(), j + 1, point.counts()[j]));
      }
      inProgress += point.inProgress();
      dropped += point.dropped();
    }
    meta.put("in_progress", inProgress);
    meta.put("dropped", dropped);
    return new QueryTable(
        List.of("t", "step", COUNT), 2, rows, ChartSpec.line("t", COUNT, "step"), meta);
  }

  /** The rows as objects, each value under its column's name. */
  List<Map<String, Object>> rowObjects() {
    List<Map<String, Object>> objects = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      Map<String, Object> object = new LinkedHashMap<>();
      for (int c = 0; c < columns.size(); c++) {
        object.put(columns.get(c), row.get(c));
      }
      objects.add(object);
    }
    return objects;
  }

  private static Map<String, Object> meta(String kind) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("kind", kind);
    return meta;
  }

  private static void withRange(Map<String, Object> meta, QueryParams.Range range) {
    meta.put("from", range.from().toString());
    meta.put("to", range.to().toString());
  }
}
