package io.clickstream.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.core.DimensionName;
import io.clickstream.core.Event;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import io.clickstream.core.funnel.FunnelStep;
import io.clickstream.core.funnel.InvalidFunnelException;
import io.clickstream.pipeline.BackfillFunnel;
import io.clickstream.pipeline.ComputePaths;
import io.clickstream.pipeline.ComputeTimesToConvert;
import io.clickstream.pipeline.ComputeUserTimesToConvert;
import io.clickstream.pipeline.Contribution;
import io.clickstream.pipeline.EventTimeRules;
import io.clickstream.pipeline.ParseEvents;
import io.clickstream.pipeline.Session;
import io.clickstream.pipeline.SessionizeEvents;
import io.clickstream.pipeline.io.EventRow;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;
import spark.Request;

/**
 * The history kinds of {@code POST /api/query} (docs/notebook.md), their jobs ({@code GET} and
 * {@code DELETE /api/query/{job}}) and {@code GET /api/users/{id}/events}. A query is checked when
 * it is submitted, so that a bad one is a 400 at once; then it runs as a job ({@link HistoryJobs}):
 * a scan ({@link EventScans}) or a Beam pipeline ({@link HistoryPipelines}).
 */
final class HistoryQueries {

  /** What a submission answers (202). */
  record Submitted(String job, String status, String statusUrl, String source) {}

  record JobProgress(long rowsRead, double fraction) {}

  /** What polling a job answers. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record JobView(
      String job,
      String kind,
      String status,
      JobProgress progress,
      QueryController.Answer result,
      Map<String, String> error) {}

  /** {@code GET /api/users/{id}/events}. */
  record UserEvents(
      String user, String from, String to, List<EventScans.Row> events, String nextCursor) {}

  /** The buckets of {@code time_to_convert}: lower bounds in seconds, the last one open. */
  static final long[] BUCKETS = {0, 10, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200, 21_600, 86_400};

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String HISTORY = "history";

  private final HistoryJobs jobs;
  private final EventScans scans;
  private final HistoryPipelines pipelines;
  private final FunnelStore funnels;
  private final Clock clock;

  HistoryQueries(
      HistoryJobs jobs,
      EventScans scans,
      HistoryPipelines pipelines,
      FunnelStore funnels,
      Clock clock) {
    this.jobs = jobs;
    this.scans = scans;
    this.pipelines = pipelines;
    this.funnels = funnels;
    this.clock = clock;
  }

  /** Checks a history query and starts its job (or answers the cached one): 202. */
  Json.Answer submit(QueryRequest query) {
    Function<String, String> params = query.params();
    Instant now = clock.instant();
    QueryParams.Range range = QueryParams.historyRange(params, now);
    HistoryJobs.Work work =
        switch (query.kind) {
          case TIMELINE -> timeline(params, range);
          case SAMPLE -> sample(query, params, range);
          case FUNNEL_PREVIEW -> funnelPreview(query, params, range, now);
          case PATHS -> paths(params, range);
          case TIME_TO_CONVERT -> timeToConvert(query, params, range);
          default -> throw new IllegalStateException(query.kind + " is not a history kind");
        };
    HistoryJobs.Job job =
        jobs.submit(
            query.kind.wireName(), closed(range.to(), now) ? query.normalized(range) : null, work);
    return new Json.Answer(
        202, new Submitted(job.id, status(job), "/api/query/" + job.id, HISTORY));
  }

  Object job(Request request) {
    return view(jobs.get(request.params(":job")));
  }

  Object cancel(Request request) {
    return view(jobs.cancel(request.params(":job")));
  }

  /** One user's events, a page at a time, as {@code timeline} reads them. */
  Object userEvents(Request request) {
    Function<String, String> params = request::queryParams;
    String user = request.params(":id");
    QueryParams.Range range = QueryParams.historyRange(params, clock.instant());
    int limit =
        QueryParams.bounded(
            params, "limit", HistoryLimits.DEFAULT_TIMELINE, HistoryLimits.MAX_TIMELINE);
    EventScans.Page page =
        scans.timeline(
            user, range, QueryParams.optional(params, "cursor"), limit, new HistoryJobs.Progress());
    return new UserEvents(
        user, range.from().toString(), range.to().toString(), page.rows(), page.next());
  }

  /**
   * Whether no row written from {@code now} on can change an answer about a range ending at {@code
   * to}: every session it covers has ended, and a later row for it would be late. Only such a
   * query's result is cached.
   */
  private boolean closed(Instant to, Instant now) {
    EventTimeRules rules = pipelines.rules();
    long settled =
        BackfillFunnel.finishedBy(rules, now.toEpochMilli())
            - rules.maxSessionLength().getMillis()
            - rules.sessionGap().getMillis();
    return to.toEpochMilli() <= settled;
  }

  private HistoryJobs.Work timeline(Function<String, String> params, QueryParams.Range range) {
    String user = QueryParams.required(params, "user", "the user's id");
    int limit =
        QueryParams.bounded(
            params, "limit", HistoryLimits.DEFAULT_TIMELINE, HistoryLimits.MAX_TIMELINE);
    String cursor = QueryParams.optional(params, "cursor");
    return progress -> {
      EventScans.Page page = scans.timeline(user, range, cursor, limit, progress);
      List<List<Object>> rows = new ArrayList<>();
      for (EventScans.Row row : page.rows()) {
        rows.add(
            Arrays.asList(Instant.ofEpochMilli(row.t()).toString(), row.event(), row.properties()));
      }
      Map<String, Object> meta = meta("timeline", range);
      meta.put("user", user);
      meta.put("next_cursor", page.next());
      return new QueryTable(List.of("t", "event", "properties"), 2, rows, ChartSpec.table(), meta);
    };
  }

  private HistoryJobs.Work sample(
      QueryRequest query, Function<String, String> params, QueryParams.Range range) {
    String event = QueryParams.optional(params, "event");
    ObjectNode step = MAPPER.createObjectNode().put("event", event == null ? "*" : event);
    if (query.node("where") != null) {
      step.set("where", query.node("where"));
    }
    FunnelStep filter;
    try {
      filter = FunnelDefinitions.step(step, "");
    } catch (InvalidFunnelException e) {
      // The step's fields are the query's own: ".where.x" is the query's "where.x".
      String message = e.getMessage();
      int colon = message.indexOf(": ");
      throw new BadRequest(message.substring(1, colon), message.substring(colon + 2));
    }
    int limit =
        QueryParams.bounded(
            params, "limit", HistoryLimits.DEFAULT_SAMPLE, HistoryLimits.MAX_SAMPLE);
    return progress -> {
      List<List<Object>> rows = new ArrayList<>();
      for (EventScans.Row row : scans.sample(filter, event == null, range, limit, progress)) {
        rows.add(
            Arrays.asList(
                Instant.ofEpochMilli(row.t()).toString(),
                row.user(),
                row.event(),
                row.properties()));
      }
      Map<String, Object> meta = meta("sample", range);
      meta.put("event", event);
      return new QueryTable(
          List.of("t", "user", "event", "properties"), 3, rows, ChartSpec.table(), meta);
    };
  }

  private HistoryJobs.Work funnelPreview(
      QueryRequest query, Function<String, String> params, QueryParams.Range range, Instant now) {
    String by = QueryParams.optional(params, "by");
    FunnelDefinition funnel = definition(query, params, by);
    DimensionName byName = by == null ? null : funnel.breakdown().get(0);
    long from = range.from().toEpochMilli();
    long to = range.to().toEpochMilli();
    return progress -> {
      Map<String, Long> fields =
          pipelines.run(
              progress,
              reach(funnel, from),
              (pipeline, rows, rules, collect) ->
                  new BackfillFunnel(rows, new SumAndCollect(collect), rules)
                      .buildInto(
                          pipeline,
                          funnel,
                          from,
                          to,
                          BackfillFunnel.finishedBy(rules, now.toEpochMilli())));
      FunnelTotals totals = new FunnelTotals(funnel, byName);
      fields.forEach(totals::add);
      QueryTable table =
          QueryTable.ofFunnel(
              totals.totals(range.from().toString(), range.to().toString(), ReadLimits.DEFAULT_TOP),
              range);
      table.meta().put("kind", "funnel_preview");
      table.meta().remove("funnel");
      table.meta().remove("version");
      return table;
    };
  }

  /**
   * An unsaved funnel from a query's {@code steps} (event names, or steps as a saved funnel has
   * them), {@code order}, {@code scope}, {@code window} and {@code by} (its one breakdown), checked
   * as {@code PUT /api/funnels} checks a definition; it counts every session as live from the
   * start.
   */
  private static FunnelDefinition definition(
      QueryRequest query, Function<String, String> params, String by) {
    JsonNode given = query.node("steps");
    if (given == null) {
      throw new BadRequest("steps", "required: the funnel's steps, event names or objects");
    }
    ArrayNode steps = MAPPER.createArrayNode();
    for (JsonNode step : given) {
      steps.add(step.isTextual() ? MAPPER.createObjectNode().put("event", step.asText()) : step);
    }
    ObjectNode json = MAPPER.createObjectNode();
    json.set("steps", steps);
    for (String field : List.of("order", "scope", "window")) {
      String value = QueryParams.optional(params, field);
      if (value != null) {
        json.put(field, value);
      }
    }
    if (by != null) {
      json.putArray("breakdown").add(by);
    }
    return FunnelDefinitions.parse(json.toString(), "preview").withVersion(1, Long.MAX_VALUE);
  }

  private HistoryJobs.Work paths(Function<String, String> params, QueryParams.Range range) {
    String after = QueryParams.optional(params, "after");
    String before = QueryParams.optional(params, "before");
    String funnelId = QueryParams.optional(params, "funnel");
    if ((after == null) == (before == null) && funnelId == null) {
      throw new BadRequest(
          after == null ? "after" : "before",
          "give one of after or before: the event the paths start from; or funnel and step");
    }
    String anchor = after != null ? after : before != null ? before : stepEvent(funnelId, params);
    boolean forward = before == null;
    int depth =
        QueryParams.bounded(params, "depth", HistoryLimits.DEFAULT_DEPTH, HistoryLimits.MAX_DEPTH);
    int limit =
        QueryParams.bounded(params, "limit", HistoryLimits.DEFAULT_PATHS, HistoryLimits.MAX_PATHS);
    long from = range.from().toEpochMilli();
    long to = range.to().toEpochMilli();
    return progress -> {
      Map<String, Long> counts =
          pipelines.run(
              progress,
              HistoryPipelines.Reach.sessionsFrom(from),
              (pipeline, rows, rules, collect) ->
                  sessions(rows, rules, pipeline.begin())
                      .apply("ComputePaths", new ComputePaths(anchor, forward, depth, from, to))
                      .apply("CollectPaths", collect));
      long total = counts.values().stream().mapToLong(Long::longValue).sum();
      List<List<Object>> rows = new ArrayList<>();
      counts.entrySet().stream()
          .sorted(
              Comparator.comparingLong((Map.Entry<String, Long> e) -> -e.getValue())
                  .thenComparing(Map.Entry::getKey))
          .limit(limit)
          .forEach(e -> rows.add(List.of(e.getKey(), e.getValue(), (double) e.getValue() / total)));
      Map<String, Object> meta = meta("paths", range);
      meta.put(forward ? "after" : "before", anchor);
      meta.put("depth", depth);
      meta.put("sessions", total);
      return new QueryTable(
          List.of("path", "count", "share"),
          1,
          rows,
          ChartSpec.of("sankey", "path", "count"),
          meta);
    };
  }

  /** The event of step {@code step} of saved funnel {@code id}. */
  private String stepEvent(String id, Function<String, String> params) {
    FunnelDefinition funnel = FunnelDefinitions.parse(funnels.definition(id, null), id);
    int step = QueryParams.bounded(params, "step", 1, funnel.stepCount());
    return funnel.steps().get(step - 1).event();
  }

  private HistoryJobs.Work timeToConvert(
      QueryRequest query, Function<String, String> params, QueryParams.Range range) {
    String id = QueryParams.optional(params, "funnel");
    FunnelDefinition funnel =
        id != null
            ? FunnelDefinitions.parse(funnels.definition(id, null), id)
            : definition(query, params, null);
    int n = funnel.stepCount();
    int fromStep = QueryParams.bounded(params, "from_step", 1, n - 1);
    int toStep = QueryParams.bounded(params, "to_step", n, n);
    if (toStep <= fromStep) {
      throw new BadRequest("to_step", "must be after from_step (" + fromStep + ")");
    }
    long from = range.from().toEpochMilli();
    long to = range.to().toEpochMilli();
    return progress -> {
      Map<String, Long> perSecond =
          pipelines.run(
              progress,
              reach(funnel, from),
              (pipeline, rows, rules, collect) ->
                  secondsToConvert(
                          rows, rules, pipeline.begin(), funnel, fromStep, toStep, from, to)
                      .apply(
                          "KeyBySeconds",
                          MapElements.into(
                                  TypeDescriptors.kvs(
                                      TypeDescriptors.strings(), TypeDescriptors.longs()))
                              .via(kv -> KV.of(String.valueOf(kv.getKey()), kv.getValue())))
                      .apply("CollectSeconds", collect));
      long[] counts = new long[BUCKETS.length];
      perSecond.forEach((seconds, count) -> counts[bucketOf(Long.parseLong(seconds))] += count);
      List<List<Object>> rows = new ArrayList<>();
      for (int b = 0; b < BUCKETS.length; b++) {
        Long upper = b + 1 < BUCKETS.length ? BUCKETS[b + 1] : null;
        rows.add(Arrays.asList(label(BUCKETS[b], upper), BUCKETS[b], upper, counts[b]));
      }
      Map<String, Object> meta = meta("time_to_convert", range);
      meta.put("funnel", id);
      meta.put("from_step", fromStep);
      meta.put("to_step", toStep);
      return new QueryTable(
          List.of("bucket", "lower_s", "upper_s", "count"),
          3,
          rows,
          ChartSpec.of("histogram", "bucket", "count"),
          meta);
    };
  }

  static int bucketOf(long seconds) {
    int b = 0;
    while (b + 1 < BUCKETS.length && seconds >= BUCKETS[b + 1]) {
      b++;
    }
    return b;
  }

  /** "10–30 s", "1–2 min", "≥ 24 h". */
  static String label(long lower, Long upper) {
    return upper == null ? "≥ " + duration(lower) : span(lower, upper);
  }

  private static String span(long lower, long upper) {
    String unit = upper <= 60 ? " s" : upper <= 3_600 ? " min" : " h";
    long per = upper <= 60 ? 1 : upper <= 3_600 ? 60 : 3_600;
    return lower / per + "–" + upper / per + unit;
  }

  private static String duration(long seconds) {
    return seconds < 60
        ? seconds + " s"
        : seconds < 3_600 ? seconds / 60 + " min" : seconds / 3_600 + " h";
  }

  /**
   * What a funnel's results over sessions or attempts starting from {@code from} depend on. A
   * user-scope attempt depends on the whole episode before it (a user's activity without a pause
   * longer than the window), which has no bound: such a funnel reads every row.
   */
  private static HistoryPipelines.Reach reach(FunnelDefinition funnel, long from) {
    return funnel.scope() == FunnelDefinition.Scope.SESSION
        ? HistoryPipelines.Reach.sessionsFrom(from)
        : HistoryPipelines.Reach.ALL;
  }

  /** Per number of seconds, the conversions from step {@code fromStep} to {@code toStep}. */
  private static PCollection<KV<Long, Long>> secondsToConvert(
      PTransform<PBegin, PCollection<EventRow>> rows,
      EventTimeRules rules,
      PBegin begin,
      FunnelDefinition funnel,
      int fromStep,
      int toStep,
      long from,
      long to) {
    if (funnel.scope() == FunnelDefinition.Scope.SESSION) {
      return sessions(rows, rules, begin)
          .apply(
              "ComputeTimesToConvert",
              new ComputeTimesToConvert(funnel, fromStep, toStep, from, to));
    }
    return events(rows, rules, begin)
        .apply(
            "ComputeUserTimesToConvert",
            new ComputeUserTimesToConvert(funnel, fromStep, toStep, from, to, rules));
  }

  /** The events of the rows, as the live pipeline parses them. */
  private static PCollection<Event> events(
      PTransform<PBegin, PCollection<EventRow>> rows, EventTimeRules rules, PBegin begin) {
    return begin
        .apply("ReadHistory", rows)
        .apply("ParseEvents", new ParseEvents(rules))
        .get(ParseEvents.EVENTS);
  }

  /** The finished sessions of the rows, as the live pipeline makes them. */
  private static PCollection<Session> sessions(
      PTransform<PBegin, PCollection<EventRow>> rows, EventTimeRules rules, PBegin begin) {
    return events(rows, rules, begin)
        .apply("SessionizeEvents", new SessionizeEvents(rules))
        .get(SessionizeEvents.SESSIONS);
  }

  /** A preview's contributions, summed per results field and handed back. */
  private static final class SumAndCollect extends PTransform<PCollection<Contribution>, PDone> {
    private final PTransform<PCollection<KV<String, Long>>, PDone> collect;

    SumAndCollect(PTransform<PCollection<KV<String, Long>>, PDone> collect) {
      this.collect = collect;
    }

    @Override
    public PDone expand(PCollection<Contribution> contributions) {
      return contributions
          .apply("SumFunnelFields", new SumFunnelFields())
          .apply("CollectFields", collect);
    }
  }

  private static Map<String, Object> meta(String kind, QueryParams.Range range) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("kind", kind);
    meta.put("from", range.from().toString());
    meta.put("to", range.to().toString());
    return meta;
  }

  private static JobView view(HistoryJobs.Job job) {
    QueryTable table = job.result();
    return new JobView(
        job.id,
        job.kind,
        status(job),
        new JobProgress(job.progress.rowsRead(), job.status().finished() ? 1.0 : fraction(job)),
        table == null
            ? null
            : new QueryController.Answer(
                table.columns(), table.rows(), table.chart(), table.meta(), job.tookMs(), HISTORY),
        job.error());
  }

  private static double fraction(HistoryJobs.Job job) {
    return job.progress.fraction();
  }

  private static String status(HistoryJobs.Job job) {
    return job.status().name().toLowerCase(java.util.Locale.ROOT);
  }
}
