package io.clickstream.pipeline;

import io.clickstream.core.DimensionName;
import io.clickstream.core.Event;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelResult;
import io.clickstream.core.funnel.FunnelResultFields;
import io.clickstream.core.funnel.FunnelStep;
import java.util.List;
import java.util.Map;

/**
 * The increments one funnel result makes to its version's results hash (docs/redis-keys.md): a
 * holder of that rule for the session and user-scope transforms, not a type of its own.
 */
final class FunnelResultsHash {

  /** Where an incomplete result stands; a complete one is neither. */
  enum Status {
    COMPLETE,
    IN_PROGRESS,
    DROPPED
  }

  private FunnelResultsHash() {}

  /** Adds a result, bucketed by its step-1 minute and broken down by {@code firstTouch}. */
  static void add(
      Map<String, Long> counts,
      FunnelDefinition f,
      FunnelResult r,
      Event firstTouch,
      Status status) {
    String key =
        RedisKeys.funnelResults(f.id(), f.version(), Math.floorDiv(r.startMillis(), 60_000L));
    for (int step = 1; step <= r.reached(); step++) {
      increment(counts, key, FunnelResultFields.reached(step));
      for (DimensionName d : f.breakdown()) {
        increment(counts, key, FunnelResultFields.reachedBy(d, step, d.fieldOf(firstTouch)));
      }
      if (step >= 2) {
        increment(counts, key, FunnelResultFields.secondsToStep(step, r.secondsToStep(step)));
      }
    }
    if (status == Status.IN_PROGRESS) {
      increment(counts, key, FunnelResultFields.IN_PROGRESS);
    } else if (status == Status.DROPPED) {
      increment(counts, key, FunnelResultFields.DROPPED);
    }
  }

  /** Whether any event could take part in the funnel: only then can there be a result to count. */
  static boolean touches(FunnelDefinition f, List<Event> events) {
    for (Event e : events) {
      for (FunnelStep step : f.steps()) {
        if (step.matches(e)) {
          return true;
        }
      }
    }
    return false;
  }

  static void increment(Map<String, Long> counts, String key, String field) {
    counts.merge(Contribution.countField(key, field), 1L, Long::sum);
  }
}
