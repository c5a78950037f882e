package io.clickstream.pipeline;

import java.io.Serializable;
import java.util.Map;

/**
 * Everything one session adds to the Redis aggregates, recomputed in full from the session's events
 * at each firing. Because it is absolute (not a delta), writing it twice changes nothing, and the
 * writer can swap it for the session's previous contribution.
 *
 * @param namespace what it counts into: {@code RedisKeys.NAMESPACE_EVENTS} or a funnel version's
 *     namespace; each has its own record of the session, so one can be replaced without the others
 * @param userId the session's user
 * @param startMillis the session window's start: its earliest event time
 * @param endMillis the session window's end: its latest event time plus the gap
 * @param version twice the number of distinct events, plus one once the watermark has passed the
 *     session's end: it only grows as the session grows, merges or closes, so a stale firing (a retry,
 *     a replay) is recognised by a lower or equal version
 * @param last true on the session's final firing, after which it can no longer change
 * @param counts hash increments: {@code redisKey + "\n" + hashField} to count
 * @param firstSeen per event name, its earliest event time in this session
 * @param lastSeen per event name, its latest event time in this session
 */
public record SessionContribution(
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

  public SessionContribution {
    counts = Map.copyOf(counts);
    firstSeen = Map.copyOf(firstSeen);
    lastSeen = Map.copyOf(lastSeen);
  }

  /** This contribution with another version: a capped session's grows with every event it has seen. */
  public SessionContribution withVersion(long newVersion) {
    return newVersion == version ? this
        : new SessionContribution(namespace, userId, startMillis, endMillis, newVersion, last, counts, firstSeen, lastSeen);
  }

  /** The version of a firing: see {@link #version}. */
  public static long versionOf(int distinctEvents, boolean closed) {
    return 2 * distinctEvents + (closed ? 1 : 0);
  }

  public static String countField(String redisKey, String hashField) {
    return redisKey + FIELD_SEPARATOR + hashField;
  }
}
