package io.clickstream.pipeline;

import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import java.io.Serializable;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * Which results a computation counts for a funnel version or a dimension, and under which records.
 * The live path counts results (sessions, attempts) starting at or after the version's or the
 * dimension's {@code live_from}; a backfill those starting in {@code [from, to)} and before {@code
 * live_from}. That instant is the hand-over: every result is counted by exactly one of the two.
 *
 * <p>A backfill seals only sessions (or user-scope episodes) that have <em>finished</em>: whose end
 * is at or before {@code finishedBy}, so that no event written later can still join them (it would
 * be dead-lettered as late). One that could still grow is counted as it stands, in progress, as of
 * {@code finishedBy}, under a record that a later run of the same range replaces.
 */
record Coverage(boolean live, long fromMillis, long toMillis, long finishedBy)
    implements Serializable {

  static final Coverage LIVE = new Coverage(true, 0, 0, Long.MAX_VALUE);

  /** Backfilled sessions or episodes left open because they have not finished yet. */
  static final Counter OPEN = Metrics.counter(BackfillFunnel.class, BackfillFunnel.RESULTS_OPEN);

  static Coverage backfill(long fromMillis, long toMillis, long finishedBy) {
    return new Coverage(false, fromMillis, toMillis, finishedBy);
  }

  boolean covers(FunnelDefinition f, long resultStartMillis) {
    return covers(f.liveFromMillis(), resultStartMillis);
  }

  boolean covers(long liveFromMillis, long resultStartMillis) {
    return live
        ? resultStartMillis >= liveFromMillis
        : resultStartMillis < liveFromMillis
            && resultStartMillis >= fromMillis
            && resultStartMillis < toMillis;
  }

  /** Whether a session or episode ending at {@code endMillis} is final for this computation. */
  boolean finished(long endMillis) {
    return endMillis <= finishedBy;
  }

  /**
   * The live path and a backfill keep separate records of a session or user, so that the live
   * path's retraction of a session that moved before live_from cannot mask the backfill's count of
   * it; and each backfilled range has its own, so that backfilling February after January is not
   * taken for a replay of the episodes January's run sealed (ranges of one version may not overlap:
   * {@link BackfilledRanges}).
   */
  String namespace(FunnelDefinition f) {
    return namespace(RedisKeys.funnelNamespace(f.id(), f.version()));
  }

  /** The namespace of this computation's records, given the live path's. */
  String namespace(String liveNamespace) {
    return live ? liveNamespace : liveNamespace + ".backfill." + fromMillis + "-" + toMillis;
  }
}
