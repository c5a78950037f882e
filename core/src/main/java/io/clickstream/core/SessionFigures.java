package io.clickstream.core;

import java.util.List;

/**
 * The figures kept per session besides its count (docs/redis-keys.md, "Session figures"): in the
 * minute of the session's first event, by its first touch, like the sessions started ({@link
 * RedisKeys#METRIC_SESSIONS}), so that every figure of a minute and value is over the same
 * sessions. The pipeline writes them, the API reads them for the {@code sessions} query.
 */
public final class SessionFigures {

  /** Metric: the events of the sessions (a session of n events counts n). */
  public static final String METRIC_EVENTS = "session_events";

  /** Metric: the sessions of one event (bounced). */
  public static final String METRIC_BOUNCES = "bounces";

  /**
   * The lower edges, in seconds, of the buckets of session length (the time from a session's first
   * event to its last): fixed, so that minutes, rollups and ranges add up bucket by bucket. The
   * last bucket has no upper edge.
   */
  public static final List<Long> LENGTH_EDGES_SECONDS =
      List.of(0L, 10L, 30L, 60L, 120L, 300L, 600L, 900L, 1_800L, 3_600L, 7_200L, 14_400L);

  private SessionFigures() {}

  /**
   * Metric: the sessions whose length is in bucket {@code bucket} of {@link #LENGTH_EDGES_SECONDS}.
   */
  public static String lengthMetric(int bucket) {
    return "session_length." + bucket;
  }

  /** The bucket of a session from {@code firstMillis} to {@code lastMillis}. */
  public static int lengthBucket(long firstMillis, long lastMillis) {
    long seconds = (lastMillis - firstMillis) / 1_000L;
    int bucket = 0;
    while (bucket + 1 < LENGTH_EDGES_SECONDS.size()
        && LENGTH_EDGES_SECONDS.get(bucket + 1) <= seconds) {
      bucket++;
    }
    return bucket;
  }
}
