package io.clickstream.api;

import io.clickstream.core.DimensionName;
import io.clickstream.core.funnel.FunnelDefinition;
import java.time.Instant;
import java.time.ZoneId;

/**
 * A validated {@code /api/funnels/{id}/results} request.
 *
 * @param funnel the definition of the version asked for
 * @param by one of the funnel's breakdown dimensions, or null for no breakdown
 * @param step null for totals over the range, else the trend's bucket width
 * @param from inclusive
 * @param to exclusive
 * @param buckets the minutes of [from, to) and the buckets they sum into (one per day of UTC for
 *     funnel totals, which need only the minutes)
 * @param limit how many series (breakdown rows) to answer besides {@code (other)}
 */
record FunnelResultsQuery(
    FunnelDefinition funnel,
    DimensionName by,
    Step step,
    ZoneId tz,
    Instant from,
    Instant to,
    Buckets buckets,
    int limit) {}
