package io.clickstream.api;

import io.clickstream.core.Dimension;
import io.clickstream.core.RedisKeys;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.function.Function;

/**
 * Parses and validates query parameters, the one place that does, so that controllers only ever see
 * valid values. A parameter given empty counts as not given.
 */
final class QueryParams {

  static final Duration DEFAULT_RANGE = Duration.ofHours(1);
  static final ZoneId DEFAULT_TZ = ZoneId.of("UTC");
  /** Event names starting with {@code _} are reserved for these pipeline-made counts. */
  private static final Map<String, String> BUILT_IN_METRICS = Map.of(
      "_sessions", RedisKeys.METRIC_SESSIONS,
      "_micro", RedisKeys.METRIC_MICRO,
      "_macro", RedisKeys.METRIC_MACRO);

  private QueryParams() {}

  /** The {@code /api/counts} query from its parameters; a missing {@code to} is {@code now}. */
  static CountsQuery counts(Function<String, String> params, Instant now) {
    String event = given(params, "event");
    if (event == null) {
      throw new BadRequest("event", "required: an event name, or one of _sessions, _micro, _macro");
    }
    Dimension by = parseBy(given(params, "by"));
    Step step = parseStep(given(params, "step"));
    ZoneId tz = parseTz(given(params, "tz"));
    Instant to = parseInstant(params, "to", now);
    Instant from = parseInstant(params, "from", to.minus(DEFAULT_RANGE));
    if (!from.isBefore(to)) {
      throw new BadRequest("from", "must be before to");
    }
    if (Duration.between(from, to).compareTo(step.maxRange) > 0) {
      throw new BadRequest("from",
          "more than " + step.maxRange.toDays() + " days before to, the limit at step=" + step.wireName());
    }
    return new CountsQuery(event, metricOf(event), by, step, tz, from, to);
  }

  private static String metricOf(String event) {
    if (!event.startsWith("_")) {
      return RedisKeys.eventMetric(event);
    }
    String metric = BUILT_IN_METRICS.get(event);
    if (metric == null) {
      throw new BadRequest("event", "names starting with _ are reserved; use _sessions, _micro or _macro");
    }
    return metric;
  }

  private static Dimension parseBy(String value) {
    if (value == null) {
      return null;
    }
    Dimension by = Dimension.fromWire(value);
    if (by == null) {
      throw new BadRequest("by", "must be one of source, partner, campaign");
    }
    return by;
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
      throw new BadRequest("tz", "unknown time zone '" + value + "'; use an IANA name such as Europe/Berlin");
    }
  }

  private static Instant parseInstant(Function<String, String> params, String name, Instant fallback) {
    String value = given(params, name);
    if (value == null) {
      return fallback;
    }
    try {
      // An unescaped '+' in a query string arrives as a space: take "10:00:00 02:00" as "+02:00".
      return OffsetDateTime.parse(value.replace(' ', '+')).toInstant();
    } catch (DateTimeException e) {
      throw new BadRequest(name, "not an ISO-8601 date-time with offset, such as 2024-05-01T10:00:00Z");
    }
  }

  private static String given(Function<String, String> params, String name) {
    String value = params.apply(name);
    return value == null || value.isEmpty() ? null : value;
  }
}
