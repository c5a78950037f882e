package io.clickstream.api;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import spark.Request;

/**
 * {@code POST /api/query}: one query of the query model (docs/notebook.md), answered as a table
 * with a chart. The live kinds are the GET routes' answers, computed by their controllers from the
 * same parameters, so that a notebook and the dashboard never disagree.
 */
final class QueryController {

  /**
   * @param meta what the query resolved to: its kind, range, and the like
   * @param source where the answer was read: {@code live} (Redis) or {@code history} (HBase)
   */
  record Answer(
      List<String> columns,
      List<List<Object>> rows,
      ChartSpec chart,
      Map<String, Object> meta,
      long tookMs,
      String source) {}

  private final CountsController counts;
  private final FunnelResultsController funnels;
  private final HistoryQueries history;
  private final HeavyQueries heavy;
  private final Clock clock;

  QueryController(
      CountsController counts,
      FunnelResultsController funnels,
      HistoryQueries history,
      HeavyQueries heavy,
      Clock clock) {
    this.counts = counts;
    this.funnels = funnels;
    this.history = history;
    this.heavy = heavy;
    this.clock = clock;
  }

  /**
   * A live kind's answer (200), under the limit on range queries at once; a history kind's job
   * (202), which runs under the history jobs' own limits.
   */
  Json.Answer query(Request request) {
    QueryRequest query =
        QueryRequest.of(QueryParams.queryBody(request.contentLength(), request::bodyAsBytes));
    return query.kind.history
        ? history.submit(query)
        : new Json.Answer(200, heavy.run(() -> live(query)));
  }

  private Answer live(QueryRequest query) {
    long started = System.nanoTime();
    QueryTable table =
        query.kind == QueryRequest.Kind.COMPARE ? compare(query) : run(query, query.params());
    return new Answer(
        table.columns(),
        table.rows(),
        table.chart(),
        table.meta(),
        (System.nanoTime() - started) / 1_000_000,
        "live");
  }

  /** The compared query over its range and over the period as long just before. */
  private QueryTable compare(QueryRequest comparison) {
    QueryRequest query = comparison.compared();
    try {
      QueryParams.Range range = QueryParams.range(query.params(), clock.instant());
      QueryParams.Range before = QueryParams.previous(range);
      return Comparison.of(
          run(query, over(query.params(), range)),
          run(query, over(query.params(), before)),
          before);
    } catch (BadRequest e) {
      throw e.within("query");
    }
  }

  /**
   * A live kind's table. The range is resolved once, here, and handed on as {@code from} and {@code
   * to}, so that the answer and its {@code meta} name the same instants.
   */
  private QueryTable run(QueryRequest query, Function<String, String> given) {
    QueryParams.Range range = QueryParams.range(given, clock.instant());
    Function<String, String> params = over(given, range);
    return switch (query.kind) {
      case COUNTS -> QueryTable.ofCounts("counts", counts.query(params), range);
      case SESSIONS -> QueryTable.ofCounts("sessions", counts.query(sessions(params)), range);
      case TOP -> QueryTable.ofTop(counts.top(params), range);
      case FUNNEL ->
          QueryTable.ofFunnel(funnels.query(QueryParams.funnelId(params), params), range);
      case COMPARE -> throw new IllegalStateException("QueryRequest lets no comparison nest");
      default -> throw new IllegalStateException(query.kind + " is a history kind");
    };
  }

  /** {@code params} over {@code range}: its {@code from} and {@code to} replaced. */
  private static Function<String, String> over(
      Function<String, String> params, QueryParams.Range range) {
    return name ->
        switch (name) {
          case "from" -> range.from().toString();
          case "to" -> range.to().toString();
          default -> params.apply(name);
        };
  }

  /** The sessions started: the counts of the pipeline's {@code sessions} metric. */
  private static Function<String, String> sessions(Function<String, String> params) {
    return name -> "event".equals(name) ? "_sessions" : params.apply(name);
  }
}
