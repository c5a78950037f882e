package io.clickstream.pipeline;

import io.clickstream.core.RedisKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.XAddParams;

/**
 * A sample of the events just counted, appended to the capped stream {@link RedisKeys#LIVE_EVENTS}
 * that {@code GET /api/stream} tails: for each session whose counts a script call applied, its
 * newest event. Sampled here, where the load is known, so that the cost stays bounded whatever the
 * rate: at most {@link #PER_CALL} entries per script call, spread evenly over the call's sessions,
 * in one round trip, and the stream trimmed as it grows. A stale firing (a retry, a replay) is not
 * applied, so it adds no entry either.
 */
final class LiveEventSample {

  /** The most entries one script call adds: a few commands beside a call of up to 1,000 fields. */
  static final int PER_CALL = 10;

  private static final XAddParams CAPPED =
      XAddParams.xAddParams().maxLen(RedisKeys.LIVE_EVENTS_MAX_LENGTH).approximateTrimming();

  private LiveEventSample() {}

  /**
   * Appends the sample of {@code call} to the stream.
   *
   * @param applied per contribution of the call, whether the script applied it
   */
  static void append(Jedis jedis, List<Contribution> call, List<Boolean> applied) {
    List<Map<String, String>> entries = of(call, applied);
    if (entries.isEmpty()) {
      return;
    }
    // Closed, not only synced, as every other pipelined write here: closing hands the connection
    // back out of pipeline mode.
    try (Pipeline pipeline = jedis.pipelined()) {
      for (Map<String, String> entry : entries) {
        pipeline.xadd(RedisKeys.LIVE_EVENTS, CAPPED, entry);
      }
      pipeline.sync();
    }
  }

  /**
   * The entries for a call: the newest event of each applied live session (the events namespace;
   * funnels and late history are counts of the same or of old events), at most {@link #PER_CALL} of
   * them, evenly spaced.
   */
  static List<Map<String, String>> of(List<Contribution> call, List<Boolean> applied) {
    List<Contribution> live = new ArrayList<>();
    for (int i = 0; i < call.size(); i++) {
      Contribution c = call.get(i);
      if (applied.get(i)
          && RedisKeys.NAMESPACE_EVENTS.equals(c.namespace())
          && !c.lastSeen().isEmpty()) {
        live.add(c);
      }
    }
    int n = Math.min(PER_CALL, live.size());
    List<Map<String, String>> entries = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      entries.add(entryOf(live.get((int) ((long) k * live.size() / n))));
    }
    return entries;
  }

  private static Map<String, String> entryOf(Contribution c) {
    Map.Entry<String, Long> newest =
        c.lastSeen().entrySet().stream()
            .max(
                Map.Entry.<String, Long>comparingByValue()
                    .thenComparing(Map.Entry.comparingByKey()))
            .orElseThrow();
    return Map.of(
        "event", newest.getKey(), "ts", Long.toString(newest.getValue()), "user", c.userId());
  }
}
