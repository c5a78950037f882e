package io.clickstream.pipeline;

import java.io.Serializable;
import java.util.Map;

/**
 * Everything one session adds to the Redis aggregates, recomputed in full from the session's events
 * at each firing. Because it is absolute (not a delta), writing it twice changes nothing, and the
 * writer can swap it for the session's previous contribution.
 *
 * @param userId the session's user
 * @param startMillis the session window's start: its earliest event time
 * @param endMillis the session window's end: its latest event time plus the gap
 * @param version the number of distinct events: it only grows as the session grows or merges, so a
 *     stale firing (a retry, a replay) is recognised by a lower or equal version
 * @param last true on the session's final firing, after which it can no longer change
 * @param counts hash increments: {@code redisKey + "\n" + hashField} to count
 * @param firstSeen per event name, its earliest event time in this session
 * @param lastSeen per event name, its latest event time in this session
 */
public record SessionContribution(
    String userId,
    long startMillis,
    long endMillis,
    int version,
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

  public static String countField(String redisKey, String hashField) {
    return redisKey + FIELD_SEPARATOR + hashField;
  }
}
