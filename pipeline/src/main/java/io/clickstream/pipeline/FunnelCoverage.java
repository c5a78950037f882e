package io.clickstream.pipeline;

import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import java.io.Serializable;

/**
 * Which results a computation counts for a funnel version, and under which records. The live path
 * counts results starting at or after the version's {@code live_from}; a backfill those starting in
 * {@code [from, to)} and before {@code live_from}. That instant is the hand-over: every result is
 * counted by exactly one of the two.
 */
record FunnelCoverage(boolean live, long fromMillis, long toMillis) implements Serializable {

  static final FunnelCoverage LIVE = new FunnelCoverage(true, 0, 0);

  static FunnelCoverage backfill(long fromMillis, long toMillis) {
    return new FunnelCoverage(false, fromMillis, toMillis);
  }

  boolean covers(FunnelDefinition f, long resultStartMillis) {
    return live
        ? resultStartMillis >= f.liveFromMillis()
        : resultStartMillis < f.liveFromMillis() && resultStartMillis >= fromMillis && resultStartMillis < toMillis;
  }

  /**
   * The live path and a backfill keep separate records of a session or user, so that the live path's
   * retraction of a session that moved before live_from cannot mask the backfill's count of it.
   */
  String namespace(FunnelDefinition f) {
    String namespace = RedisKeys.funnelNamespace(f.id(), f.version());
    return live ? namespace : namespace + ".backfill";
  }
}
