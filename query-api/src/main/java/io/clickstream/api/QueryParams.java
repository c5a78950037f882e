package io.clickstream.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.core.DimensionName;
import io.clickstream.core.EventParser;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import io.clickstream.core.funnel.InvalidFunnelException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Parses and validates query parameters (and the funnel definitions PUT bodies carry), the one
 * place that does, so that controllers only ever see valid values. A parameter given empty counts
 * as not given.
 */
final class QueryParams {

  static final Duration DEFAULT_RANGE = Duration.ofHours(1);
  static final ZoneId DEFAULT_TZ = ZoneId.of("UTC");

  /**
   * The instants a query may name, {@code [EARLIEST, END)}: those an event may carry. Beyond them
   * there is nothing to count, and bucketing near the limits of {@link Instant} would overflow.
   */
  static final Instant EARLIEST = Instant.EPOCH;

  static final Instant END = Instant.ofEpochMilli(EventParser.MAX_EPOCH_MILLIS);

  /** The largest funnel definition accepted; real ones are a few hundred bytes. */
  static final int MAX_DEFINITION_BYTES = 64 * 1024;

  /**
   * Event names starting with {@code _} are reserved for these pipeline-made counts. The last is
   * the events of the names over the cap on distinct event names, under the name the catalog (and
   * so {@code /api/events}) gives them.
   */
  private static final Map<String, String> BUILT_IN_METRICS =
      Map.of(
          "_sessions",
          RedisKeys.METRIC_SESSIONS,
          "_micro",
          RedisKeys.METRIC_MICRO,
          "_macro",
          RedisKeys.METRIC_MACRO,
          RedisKeys.CATALOG_OTHER_EVENTS,
          RedisKeys.METRIC_OTHER_EVENTS);

  private QueryParams() {}

  /**
   * The {@code /api/counts} query from its parameters; a missing {@code to} is {@code now}.
   *
   * @param recorded the dimensions there are counts by: {@code by} must name one
   */
  static CountsQuery counts(
      Function<String, String> params, Instant now, RecordedDimensions recorded) {
    return counts(params, now, recorded, false);
  }

  /**
   * The query of the top values of {@code by} for an event: the counts as {@link #counts} reads
   * them, with {@code by} required and the whole range one bucket, so that any range up to {@link
   * ReadLimits#MAX_RANGE} is one total per value.
   */
  static CountsQuery topValues(
      Function<String, String> params, Instant now, RecordedDimensions recorded) {
    if (given(params, "by") == null) {
      throw new BadRequest(
          "by",
          "required: the dimension whose values to rank; there are counts by "
              + String.join(
                  ", ",
                  recorded.namesLookingFor("").stream().map(DimensionName::wireName).toList()));
    }
    return counts(params, now, recorded, true);
  }

  /**
   * @param whole one bucket for the whole range, {@code step} and {@code tz} not read
   */
  private static CountsQuery counts(
      Function<String, String> params, Instant now, RecordedDimensions recorded, boolean whole) {
    String event = given(params, "event");
    if (event == null) {
      throw new BadRequest(
          "event", "required: an event name, or one of _sessions, _micro, _macro, _other_events");
    }
    String byValue = given(params, "by");
    DimensionName by =
        byValue == null
            ? null
            : parseBy(
                byValue,
                recorded.namesLookingFor(byValue),
                "'" + byValue + "' is not a recorded dimension; there are counts by");
    Step step = whole ? null : parseStep(given(params, "step"));
    ZoneId tz = whole ? DEFAULT_TZ : parseTz(given(params, "tz"));
    int limit = top(params);
    Range range = range(params, now);
    return new CountsQuery(
        event,
        metricOf(event),
        by,
        step,
        tz,
        range.from,
        range.to,
        whole ? Buckets.whole(range.from, range.to) : buckets(range, step, tz),
        limit);
  }

  /** The {@code limit} of {@code /api/events}: how many event names to answer. */
  static int eventsLimit(Function<String, String> params) {
    return limit(params, ReadLimits.DEFAULT_EVENTS, ReadLimits.MAX_EVENTS);
  }

  /**
   * The {@code search} parameter of {@code /api/events}: text that the names answered contain
   * (case-insensitive), or null for every name; at most {@link #MAX_SEARCH_CHARS} characters.
   */
  static String eventsSearch(Function<String, String> params) {
    String value = given(params, "search");
    if (value != null && value.length() > MAX_SEARCH_CHARS) {
      throw new BadRequest(
          "search", "at most " + MAX_SEARCH_CHARS + " characters, got " + value.length());
    }
    return value == null || value.isEmpty() ? null : value.toLowerCase(Locale.ROOT);
  }

  static final int MAX_SEARCH_CHARS = 200;

  /**
   * The {@code version} parameter of a funnel request: a positive number, or null for the current
   * version.
   */
  static Integer funnelVersion(Function<String, String> params) {
    String value = given(params, "version");
    if (value == null) {
      return null;
    }
    try {
      int version = Integer.parseInt(value);
      if (version >= 1) {
        return version;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadRequest("version", "expected a positive whole number, got '" + value + "'");
  }

  /**
   * The {@code /api/funnels/{id}/results} query for {@code funnel} (the version asked for). Without
   * {@code step} the results are totals over the range; with it, a trend per bucket.
   */
  static FunnelResultsQuery funnelResults(
      Function<String, String> params, Instant now, FunnelDefinition funnel) {
    String byValue = given(params, "by");
    if (byValue != null && funnel.breakdown().isEmpty()) {
      throw new BadRequest("by", "funnel '" + funnel.id() + "' has no breakdown dimensions");
    }
    DimensionName by =
        parseBy(byValue, funnel.breakdown(), "funnel '" + funnel.id() + "' is broken down only by");
    String stepValue = given(params, "step");
    Step step = stepValue == null ? null : parseStep(stepValue);
    ZoneId tz = parseTz(given(params, "tz"));
    int limit = top(params);
    Range range = range(params, now);
    // Totals are one sum over the range.
    Buckets buckets = step == null ? Buckets.whole(range.from, range.to) : buckets(range, step, tz);
    return new FunnelResultsQuery(funnel, by, step, tz, range.from, range.to, buckets, limit);
  }

  /**
   * A funnel definition from a request body of {@code length} bytes ({@code -1} when unknown): a
   * body over {@link #MAX_DEFINITION_BYTES} is refused before it is read; a bad definition throws
   * {@link InvalidFunnelException} naming the field.
   */
  static FunnelDefinition funnelDefinition(long length, Supplier<byte[]> body, String pathId) {
    return FunnelDefinitions.parse(
        boundedBody(length, body, MAX_DEFINITION_BYTES, "the funnel definition"), pathId);
  }

  /**
   * The body of {@code POST /api/query} as a JSON object ({@link QueryRequest} reads its fields),
   * at most {@link #MAX_QUERY_BYTES}.
   */
  static ObjectNode queryBody(long length, Supplier<byte[]> body) {
    return jsonObject(boundedBody(length, body, MAX_QUERY_BYTES, "the query"));
  }

  /** The largest query body accepted; a real one is a few hundred bytes. */
  static final int MAX_QUERY_BYTES = 16 * 1024;

  /**
   * A notebook from a {@code PUT /api/notebooks/{id}} body, at most {@link Notebook#MAX_BYTES},
   * validated by {@link Notebook#parse}.
   */
  static Notebook notebook(long length, Supplier<byte[]> body, String pathId) {
    return Notebook.parse(
        jsonObject(boundedBody(length, body, Notebook.MAX_BYTES, "the notebook")), pathId);
  }

  /**
   * The most a body over its limit may declare and still be read, and dropped, before the refusal:
   * a client still sending when the server answers and closes sees a broken connection, not the
   * 400. Past this it is refused unread.
   */
  static final int MAX_DRAINED_BYTES = 1024 * 1024;

  /**
   * A body of at most {@code max} bytes as text: one over it ({@code length} says so, or it turns
   * out to be) is refused before it is parsed; {@code length} is {@code -1} when unknown.
   */
  private static String boundedBody(long length, Supplier<byte[]> body, int max, String what) {
    if (length > max) {
      if (length <= MAX_DRAINED_BYTES) {
        body.get();
      }
      throw tooLarge(max);
    }
    byte[] bytes = body.get();
    if (bytes == null || bytes.length == 0) {
      throw new BadRequest("body", "required: " + what + " as JSON");
    }
    if (bytes.length > max) {
      throw tooLarge(max);
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static BadRequest tooLarge(int max) {
    return new BadRequest("body", "larger than " + max / 1024 + " kB");
  }

  // Trailing tokens refused: "{} {}" is not one object.
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /**
   * A body's {@code text} as a JSON object; else a 400 naming {@code body}. Jackson bounds what a
   * hostile text can cost: nesting deeper than 1,000, numbers longer than 1,000 digits are refused.
   */
  private static ObjectNode jsonObject(String text) {
    JsonNode node;
    try {
      node = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new BadRequest(
          "body", "not valid JSON: " + BadRequest.shown(String.valueOf(e.getOriginalMessage())));
    }
    if (!(node instanceof ObjectNode object)) {
      throw new BadRequest("body", "expected a JSON object");
    }
    return object;
  }

  /** A query's range, [from, to). */
  record Range(Instant from, Instant to) {}

  /**
   * {@code from} and {@code to}, defaulting to the hour up to {@code now} (but not before {@link
   * #EARLIEST}), at most {@link ReadLimits#MAX_RANGE} apart: checked by arithmetic, before anything
   * is allocated per minute.
   */
  static Range range(Function<String, String> params, Instant now) {
    Instant to = parseInstant(params, "to", now);
    Instant hourBefore = to.minus(DEFAULT_RANGE);
    Instant from =
        parseInstant(params, "from", hourBefore.isBefore(EARLIEST) ? EARLIEST : hourBefore);
    if (!from.isBefore(to)) {
      throw new BadRequest("from", "must be before to");
    }
    long minutes = Buckets.minutesBetween(from, to);
    if (minutes > ReadLimits.MAX_RANGE.toMinutes()) {
      throw new BadRequest(
          "from",
          "from..to is "
              + thousands(minutes)
              + " minutes; at most "
              + thousands(ReadLimits.MAX_RANGE.toMinutes())
              + " ("
              + ReadLimits.MAX_RANGE.toDays()
              + " days): use a shorter range");
    }
    return new Range(from, to);
  }

  /**
   * A history query's {@code from} and {@code to}: the day up to {@code now} by default, at most
   * {@link HistoryLimits#MAX_RANGE} apart (a 400 naming {@code from}).
   */
  static Range historyRange(Function<String, String> params, Instant now) {
    Instant to = parseInstant(params, "to", now);
    Instant dayBefore = to.minus(HistoryLimits.DEFAULT_RANGE);
    Instant from =
        parseInstant(params, "from", dayBefore.isBefore(EARLIEST) ? EARLIEST : dayBefore);
    if (!from.isBefore(to)) {
      throw new BadRequest("from", "must be before to");
    }
    if (Duration.between(from, to).compareTo(HistoryLimits.MAX_RANGE) > 0) {
      throw new BadRequest(
          "from",
          "from..to is longer than "
              + HistoryLimits.MAX_RANGE.toDays()
              + " days, the most a history query reads: use a shorter range");
    }
    return new Range(from, to);
  }

  /** A whole number field from 1 to {@code max}, {@code fallback} when not given. */
  static int bounded(Function<String, String> params, String name, int fallback, int max) {
    String value = given(params, name);
    if (value == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadRequest(
        name,
        "expected a whole number from 1 to "
            + thousands(max)
            + ", got '"
            + BadRequest.shown(value)
            + "'");
  }

  /** A required text field, at most {@link #MAX_SEARCH_CHARS} characters. */
  static String required(Function<String, String> params, String name, String what) {
    String value = optional(params, name);
    if (value == null) {
      throw new BadRequest(name, "required: " + what);
    }
    return value;
  }

  /** An optional text field (null when not given), at most {@link #MAX_SEARCH_CHARS} characters. */
  static String optional(Function<String, String> params, String name) {
    String value = given(params, name);
    if (value != null && value.length() > MAX_SEARCH_CHARS) {
      throw new BadRequest(
          name, "at most " + MAX_SEARCH_CHARS + " characters, got " + value.length());
    }
    return value;
  }

  /**
   * The period of the same length just before {@code range}, for a comparison; refused when it
   * would start before {@link #EARLIEST}.
   */
  static Range previous(Range range) {
    Instant from = range.from.minus(Duration.between(range.from, range.to));
    if (from.isBefore(EARLIEST)) {
      throw new BadRequest(
          "from",
          "the period before from..to would start before " + EARLIEST + ": use a later from");
    }
    return new Range(from, range.from);
  }

  /** The funnel a {@code funnel} query reads: its {@code funnel} field, required. */
  static String funnelId(Function<String, String> params) {
    String id = given(params, "funnel");
    if (id == null) {
      throw new BadRequest("funnel", "required: the id of a saved funnel");
    }
    return id;
  }

  /** The range's buckets at {@code step}, at most {@link ReadLimits#MAX_BUCKETS} of them. */
  private static Buckets buckets(Range range, Step step, ZoneId tz) {
    Buckets buckets = Buckets.of(range.from, range.to, step, tz, ReadLimits.MAX_BUCKETS);
    if (buckets.count() > ReadLimits.MAX_BUCKETS) {
      Step wider = step.wider();
      throw new BadRequest(
          "from",
          "from..to at step="
              + step.wireName()
              + " is more than "
              + thousands(ReadLimits.MAX_BUCKETS)
              + " buckets: "
              + (wider == null ? "use" : "use step=" + wider.wireName() + " or")
              + " a shorter range");
    }
    return buckets;
  }

  /** {@code limit}: how many series (or breakdown rows) besides {@code (other)}. */
  private static int top(Function<String, String> params) {
    return limit(params, ReadLimits.DEFAULT_TOP, ReadLimits.MAX_TOP);
  }

  private static int limit(Function<String, String> params, int fallback, int max) {
    String value = given(params, "limit");
    if (value == null) {
      return fallback;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= max) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new BadRequest(
        "limit", "expected a whole number from 1 to " + thousands(max) + ", got '" + value + "'");
  }

  static String thousands(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String metricOf(String event) {
    if (!event.startsWith("_")) {
      return RedisKeys.eventMetric(event);
    }
    String metric = BUILT_IN_METRICS.get(event);
    if (metric == null) {
      throw new BadRequest(
          "event",
          "names starting with _ are reserved; use _sessions, _micro, _macro or _other_events");
    }
    return metric;
  }

  /**
   * {@code by} as one of {@code allowed} (null when not given); else a 400: {@code refusal} and the
   * allowed ones.
   */
  private static DimensionName parseBy(String value, List<DimensionName> allowed, String refusal) {
    if (value == null) {
      return null;
    }
    for (DimensionName d : allowed) {
      if (d.wireName().equals(value)) {
        return d;
      }
    }
    throw new BadRequest(
        "by",
        refusal + " " + String.join(", ", allowed.stream().map(DimensionName::wireName).toList()));
  }

  private static Step parseStep(String value) {
    if (value == null) {
      return Step.MINUTE;
    }
    Step step = Step.fromWire(value);
    if (step == null) {
      throw new BadRequest("step", "must be one of minute, hour, day");
    }
    return step;
  }

  private static ZoneId parseTz(String value) {
    if (value == null) {
      return DEFAULT_TZ;
    }
    try {
      return ZoneId.of(value);
    } catch (DateTimeException e) {
      throw new BadRequest(
          "tz", "unknown time zone '" + value + "'; use an IANA name such as Europe/Berlin");
    }
  }

  private static Instant parseInstant(
      Function<String, String> params, String name, Instant fallback) {
    String value = given(params, name);
    if (value == null) {
      return fallback;
    }
    Instant instant;
    try {
      // An unescaped '+' in a query string arrives as a space: take "10:00:00 02:00" as "+02:00".
      instant = OffsetDateTime.parse(value.replace(' ', '+')).toInstant();
    } catch (DateTimeException e) {
      throw new BadRequest(
          name, "not an ISO-8601 date-time with offset, such as 2024-05-01T10:00:00Z");
    }
    if (instant.isBefore(EARLIEST) || !instant.isBefore(END)) {
      throw new BadRequest(
          name,
          "outside the supported range, " + EARLIEST + " (inclusive) to " + END + " (exclusive)");
    }
    return instant;
  }

  private static String given(Function<String, String> params, String name) {
    String value = params.apply(name);
    return value == null || value.isEmpty() ? null : value;
  }
}
