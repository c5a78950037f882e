package io.clickstream.pipeline;

import io.clickstream.core.RedisKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A sample of the events just counted, appended to the capped stream {@link RedisKeys#LIVE_EVENTS}
 * that {@code GET /api/stream} tails: for each session whose counts a script call applied, its
 * newest event. Sampled where the load is known, so that the cost stays bounded whatever the rate:
 * at most {@link #PER_CALL} entries per script call, spread evenly over the call's applied
 * sessions, and the stream trimmed as it grows. A stale firing (a retry, a replay) is not applied,
 * so it adds no entry either.
 *
 * <p>The script call itself appends them (apply_session_contributions.lua, "The live sample"): it
 * knows which sessions it applied, and a round trip of its own after each call made the writer wait
 * behind the other writers' scripts once more per call (docs/benchmarks.md, run AB). This class
 * gives the call its candidates.
 */
final class LiveEventSample {

  /** The most entries one script call adds: a few commands beside a call of up to 1,000 fields. */
  static final int PER_CALL = 10;

  private LiveEventSample() {}

  /**
   * The script's sample arguments for {@code call}: the stream's length to trim to, {@link
   * #PER_CALL}, the number of candidates, then per candidate its contribution's position in the
   * call (from 1) and the newest event's name, time and user. A candidate is a live session of the
   * events namespace (funnels and late history are counts of the same or of old events).
   */
  static List<String> args(List<Contribution> call) {
    List<String> candidates = new ArrayList<>();
    int count = 0;
    for (int i = 0; i < call.size(); i++) {
      Contribution c = call.get(i);
      if (RedisKeys.NAMESPACE_EVENTS.equals(c.namespace()) && !c.lastSeen().isEmpty()) {
        Map.Entry<String, Long> newest = newest(c);
        candidates.add(Integer.toString(i + 1));
        candidates.add(newest.getKey());
        candidates.add(newest.getValue().toString());
        candidates.add(c.userId());
        count++;
      }
    }
    List<String> args = new ArrayList<>(3 + candidates.size());
    args.add(Integer.toString(RedisKeys.LIVE_EVENTS_MAX_LENGTH));
    args.add(Integer.toString(PER_CALL));
    args.add(Integer.toString(count));
    args.addAll(candidates);
    return args;
  }

  private static Map.Entry<String, Long> newest(Contribution c) {
    return c.lastSeen().entrySet().stream()
        .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .orElseThrow();
  }
}
