package io.clickstream.pipeline;

import java.io.Serializable;
import java.util.Map;

/**
 * Everything one session, or one user's episode of a user-scope funnel, adds to the Redis
 * aggregates, recomputed in full from its events at each firing. Because it is absolute (not a
 * delta), writing it twice changes nothing, and the writer ({@link ContributionStore}) swaps it for
 * the previous contribution of the same record.
 *
 * @param namespace what it counts into: {@code RedisKeys.NAMESPACE_EVENTS}, the late history's, or
 *     a funnel version's namespace; each has its own record of the session or episode, so one can
 *     be replaced without the others
 * @param userId the user
 * @param startMillis the window's start: the session's (or episode's) earliest event time
 * @param endMillis the window's end: a session's latest event time plus the gap; an episode's end
 * @param version only grows as the session or episode grows, merges or closes, so a stale firing (a
 *     retry, a replay) is recognised by a lower or equal version. A session's is {@link
 *     #versionOf}: twice the events it has seen, plus one once the watermark has passed its end. An
 *     episode's is its events seen times {@code ComputeUserFunnelContributions.EVENT_WEIGHT}, plus
 *     the attempt windows that have ended.
 * @param last true on the final firing, after which it can no longer change
 * @param counts hash increments: {@code redisKey + "\n" + hashField} to count
 * @param firstSeen per event name, its earliest event time in this session (only in the events
 *     namespace)
 * @param lastSeen per event name, its latest event time in this session (only in the events
 *     namespace)
 */
public record Contribution(
    String namespace,
    String userId,
    long startMillis,
    long endMillis,
    long version,
    boolean last,
    Map<String, Long> counts,
    Map<String, Long> firstSeen,
    Map<String, Long> lastSeen)
    implements Serializable {

  /** Separates the Redis key from the hash field in a {@link #counts} entry; no key contains it. */
  public static final char FIELD_SEPARATOR = '\n';

  public Contribution {
    counts = Map.copyOf(counts);
    firstSeen = Map.copyOf(firstSeen);
    lastSeen = Map.copyOf(lastSeen);
  }

  /**
   * This contribution with another version: a capped session's grows with every event it has seen.
   */
  public Contribution withVersion(long newVersion) {
    return newVersion == version
        ? this
        : new Contribution(
            namespace,
            userId,
            startMillis,
            endMillis,
            newVersion,
            last,
            counts,
            firstSeen,
            lastSeen);
  }

  /** The version of a firing: see {@link #version}. */
  public static long versionOf(int distinctEvents, boolean closed) {
    return 2 * distinctEvents + (closed ? 1 : 0);
  }

  public static String countField(String redisKey, String hashField) {
    return redisKey + FIELD_SEPARATOR + hashField;
  }
}
