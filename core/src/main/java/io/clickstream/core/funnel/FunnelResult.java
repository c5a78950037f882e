package io.clickstream.core.funnel;

import java.util.List;

/**
 * One counted funnel result: a session's best attempt (session scope) or one attempt (user scope).
 *
 * @param reached how many steps it reached, at least 1
 * @param reachedAt event time at which it reached step 1, 2, ... (size = reached); the first is the
 *     time it is bucketed by
 * @param startIndex index, in the evaluated event list, of the event that started it
 */
public record FunnelResult(int reached, List<Long> reachedAt, int startIndex) {

  public FunnelResult {
    reachedAt = List.copyOf(reachedAt);
  }

  public long startMillis() {
    return reachedAt.get(0);
  }

  /** Whole seconds from step 1 to step {@code step} (1-based), for the median time to each step. */
  public long secondsToStep(int step) {
    return (reachedAt.get(step - 1) - reachedAt.get(0)) / 1000;
  }
}
