package io.clickstream.core.funnel;

import io.clickstream.core.DimensionName;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * A funnel, as data (docs/funnels.md). Built only by {@link FunnelDefinitions#parse}, so every
 * instance is valid. {@code version} and {@code liveFromMillis} are assigned when the definition is
 * stored.
 *
 * @param window the conversion window of a user-scope attempt; {@code null} for session scope
 * @param liveFromMillis sessions (or attempts) starting at or after this instant are counted by the
 *     live pipeline, earlier ones only by a backfill: the hand-over point, so the two never overlap
 */
public record FunnelDefinition(
    String id,
    String name,
    List<FunnelStep> steps,
    Order order,
    Scope scope,
    Duration window,
    List<Exclusion> exclusions,
    List<DimensionName> breakdown,
    int version,
    long liveFromMillis)
    implements Serializable {

  public FunnelDefinition {
    steps = List.copyOf(steps);
    exclusions = List.copyOf(exclusions);
    breakdown = List.copyOf(breakdown);
  }

  public enum Order {
    SEQUENTIAL,
    STRICT,
    ANY
  }

  public enum Scope {
    SESSION,
    USER
  }

  /** An event that voids an attempt between the match of one step and the match of a later one. */
  public record Exclusion(FunnelStep event, int afterStep, Integer beforeStep)
      implements Serializable {}

  public FunnelDefinition withVersion(int newVersion, long newLiveFromMillis) {
    return new FunnelDefinition(
        id,
        name,
        steps,
        order,
        scope,
        window,
        exclusions,
        breakdown,
        newVersion,
        newLiveFromMillis);
  }

  public int stepCount() {
    return steps.size();
  }
}
