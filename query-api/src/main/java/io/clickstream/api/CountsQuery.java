package io.clickstream.api;

import io.clickstream.core.DimensionName;
import java.time.Instant;
import java.time.ZoneId;

/**
 * A validated {@code /api/counts} request.
 *
 * @param event the event as asked for, e.g. {@code signup} or {@code _sessions}
 * @param metric the metric segment of its count keys
 * @param by the breakdown, or null for the undivided count
 * @param step null when the whole range is one bucket ({@link QueryParams#topValues})
 * @param from inclusive
 * @param to exclusive
 * @param buckets the minutes of [from, to) and the buckets of {@code step} they sum into
 * @param limit how many series to answer besides {@code (other)}
 */
record CountsQuery(
    String event,
    String metric,
    DimensionName by,
    Step step,
    ZoneId tz,
    Instant from,
    Instant to,
    Buckets buckets,
    int limit) {}
