package io.clickstream.pipeline;

import io.clickstream.core.CountPeriod;
import io.clickstream.core.DimensionName;
import io.clickstream.core.Dimensions;
import io.clickstream.core.RedisConnections;
import io.clickstream.core.RedisKeys;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import redis.clients.jedis.JedisPooled;

/**
 * The live pipeline's event-time rules, kept in Redis ({@link RedisKeys#SESSION_SETTINGS}) so that
 * a backfill counts sessions and lateness the way the live counts did, instead of by whatever
 * defaults it was started with (issue 9, finding 7). The live pipeline records them each time it
 * starts; a backfill adopts them, and refuses a value given on its command line that differs.
 */
public final class RecordedSettings {

  /** The recorded settings: Redis field, the option that sets it, and how to read and set it. */
  public enum Setting {
    SESSION_GAP("session_gap", "--session-gap", "sessionGap"),
    ALLOWED_LATENESS("allowed_lateness", "--allowed-lateness", "allowedLateness"),
    OUT_OF_ORDERNESS("out_of_orderness", "--outOfOrderness", "outOfOrderness"),
    MAX_SESSION_EVENTS("max_session_events", "--maxSessionEvents", "maxSessionEvents"),
    MAX_SESSION_LENGTH("max_session_length", "--maxSessionLength", "maxSessionLength"),
    MAX_EPISODE_EVENTS("max_episode_events", "--maxEpisodeEvents", "maxEpisodeEvents"),
    /**
     * Not an event-time rule, but a backfill of counts must count by the same dimensions as the
     * live job.
     */
    DIMENSIONS(RedisKeys.SETTING_DIMENSIONS, "--dimensions", "dimensions"),
    /** Nor is this: a backfill of counts must put the same values under (other) as the live job. */
    MAX_DIMENSION_VALUES("max_dimension_values", "--maxDimensionValues", "maxDimensionValues"),
    /** Nor this: a backfill of counts must cap event names as the live job does. */
    MAX_EVENT_NAMES("max_event_names", "--maxEventNames", "maxEventNames");

    final String field;

    /** How a user names it on the command line. */
    public final String option;

    /** Its Beam option, {@code --name=value}. */
    public final String beamName;

    Setting(String field, String option, String beamName) {
      this.field = field;
      this.option = option;
      this.beamName = beamName;
    }

    String get(ClickstreamOptions o) {
      return switch (this) {
        case SESSION_GAP -> o.getSessionGap();
        case ALLOWED_LATENESS -> o.getAllowedLateness();
        case OUT_OF_ORDERNESS -> o.getOutOfOrderness();
        case MAX_SESSION_EVENTS -> Integer.toString(o.getMaxSessionEvents());
        case MAX_SESSION_LENGTH -> o.getMaxSessionLength();
        case MAX_EPISODE_EVENTS -> Integer.toString(o.getMaxEpisodeEvents());
        case DIMENSIONS -> EventTimeRules.dimensionsFrom(o).text();
        case MAX_DIMENSION_VALUES -> Integer.toString(o.getMaxDimensionValues());
        case MAX_EVENT_NAMES -> Integer.toString(o.getMaxEventNames());
      };
    }

    void set(ClickstreamOptions o, String value) {
      switch (this) {
        case SESSION_GAP -> o.setSessionGap(value);
        case ALLOWED_LATENESS -> o.setAllowedLateness(value);
        case OUT_OF_ORDERNESS -> o.setOutOfOrderness(value);
        case MAX_SESSION_EVENTS -> o.setMaxSessionEvents(Integer.parseInt(value));
        case MAX_SESSION_LENGTH -> o.setMaxSessionLength(value);
        case MAX_EPISODE_EVENTS -> o.setMaxEpisodeEvents(Integer.parseInt(value));
        case DIMENSIONS -> o.setDimensions(value);
        case MAX_DIMENSION_VALUES -> o.setMaxDimensionValues(Integer.parseInt(value));
        case MAX_EVENT_NAMES -> o.setMaxEventNames(Integer.parseInt(value));
      }
    }
  }

  private RecordedSettings() {}

  /**
   * Records the live pipeline's settings, replacing what an earlier start recorded, and the first
   * time it counts by each of its {@code dimensions} ({@link RedisKeys#DIMENSIONS}): a time
   * recorded before is kept, so a dimension's live_from is when it was first counted by. The first
   * list ever recorded is live from 0, as that pipeline counts by it from the start of what it
   * reads; a dimension added by a later start is live from that start, and a dimension backfill
   * covers the sessions before ({@link CountedDimensions}).
   *
   * @return the dimensions with their live_from, as recorded
   */
  public static CountedDimensions record(
      ClickstreamOptions options, Dimensions dimensions, long nowMillis) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (Setting s : Setting.values()) {
      fields.put(s.field, s.get(options));
    }
    fields.put("recorded_ms", Long.toString(nowMillis));
    try (JedisPooled jedis = RedisConnections.pooled(options.getRedisUrl())) {
      jedis.del(RedisKeys.SESSION_SETTINGS);
      jedis.hset(RedisKeys.SESSION_SETTINGS, fields);
      boolean firstStart = !jedis.exists(RedisKeys.DIMENSIONS);
      String liveFrom = firstStart ? "0" : Long.toString(nowMillis);
      jedis.setnx(RedisKeys.ROLLUPS_FROM, Long.toString(firstStart ? 0 : rollupsFrom(nowMillis)));
      for (DimensionName d : dimensions.names()) {
        jedis.hsetnx(RedisKeys.DIMENSIONS, d.wireName(), liveFrom);
      }
      return counted(jedis, dimensions);
    }
  }

  /**
   * From when the rollups are complete ({@link RedisKeys#ROLLUPS_FROM}) when a pipeline starting at
   * {@code nowMillis} is the first to write them to a Redis an earlier release wrote: the first UTC
   * midnight after the latest event a session finished before the start can hold. Sessions still
   * open at the start are written again in full, rollups included.
   */
  static long rollupsFrom(long nowMillis) {
    long latestFinished = nowMillis + EventTimeRules.MAX_FUTURE.getMillis();
    long day = CountPeriod.DAY.minutes * 60_000L;
    return Math.floorDiv(latestFinished, day) * day + day;
  }

  /**
   * {@code dimensions} with the live_from recorded for each: a backfill of counts counts by them as
   * the live pipeline does.
   */
  public static CountedDimensions counted(String redisUrl, Dimensions dimensions) {
    try (JedisPooled jedis = RedisConnections.pooled(redisUrl)) {
      return counted(jedis, dimensions);
    }
  }

  private static CountedDimensions counted(JedisPooled jedis, Dimensions dimensions) {
    Map<DimensionName, Long> recorded = new HashMap<>();
    List<DimensionName> names = dimensions.names();
    if (!names.isEmpty()) {
      List<String> liveFroms =
          jedis.hmget(
              RedisKeys.DIMENSIONS,
              names.stream().map(DimensionName::wireName).toArray(String[]::new));
      for (int i = 0; i < names.size(); i++) {
        recorded.put(names.get(i), liveFromOf(liveFroms.get(i)));
      }
    }
    return new CountedDimensions(dimensions, recorded);
  }

  /**
   * The live_from recorded for a dimension ({@link RedisKeys#DIMENSIONS}); an unreadable one counts
   * from the start, as every dimension did before each had its own.
   */
  static long liveFromOf(String recorded) {
    try {
      return recorded == null ? 0 : Long.parseLong(recorded.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * The live_from recorded for {@code d}, or empty when no live pipeline has counted by it: what a
   * backfill of the dimension needs.
   */
  public static OptionalLong recordedLiveFrom(String redisUrl, DimensionName d) {
    try (JedisPooled jedis = RedisConnections.pooled(redisUrl)) {
      String recorded = jedis.hget(RedisKeys.DIMENSIONS, d.wireName());
      return recorded == null ? OptionalLong.empty() : OptionalLong.of(liveFromOf(recorded));
    }
  }

  /**
   * Sets on a backfill's {@code options} each setting the live pipeline recorded, unless {@code
   * given} names it; a given value that means another value than the recorded one is refused,
   * naming both. Settings nothing recorded (no live pipeline has run against this Redis) keep their
   * defaults.
   *
   * @param given the settings the user gave on the command line, with their values
   * @return the settings taken from the record, for the backfill to report
   */
  public static Map<Setting, String> adopt(ClickstreamOptions options, Map<Setting, String> given) {
    Map<String, String> recorded;
    try (JedisPooled jedis = RedisConnections.pooled(options.getRedisUrl())) {
      recorded = jedis.hgetAll(RedisKeys.SESSION_SETTINGS);
    }
    Map<Setting, String> adopted = new LinkedHashMap<>();
    for (Setting s : Setting.values()) {
      String live = recorded.get(s.field);
      String mine = given.get(s);
      if (mine != null) {
        if (live != null && !sameValue(s, live, mine)) {
          throw new IllegalArgumentException(
              s.option
                  + " "
                  + mine
                  + " differs from the live pipeline's "
                  + live
                  + " (recorded in Redis under "
                  + RedisKeys.SESSION_SETTINGS
                  + " when it started): a backfill must count "
                  + "with the live rules, or its results mean something else. Leave "
                  + s.option
                  + " out to use the live pipeline's.");
        }
        s.set(options, mine);
      } else if (live != null) {
        s.set(options, live);
        adopted.put(s, live);
      }
    }
    return adopted;
  }

  private static boolean sameValue(Setting s, String a, String b) {
    if (s == Setting.DIMENSIONS) { // the same dimensions in another order count the same
      return Set.copyOf(Dimensions.parse(a).names())
          .equals(Set.copyOf(Dimensions.parse(b).names()));
    }
    if (s == Setting.MAX_SESSION_EVENTS
        || s == Setting.MAX_EPISODE_EVENTS
        || s == Setting.MAX_DIMENSION_VALUES
        || s == Setting.MAX_EVENT_NAMES) {
      return a.trim().equals(b.trim());
    }
    return EventTimeRules.isoDuration(s.beamName, a)
        .equals(EventTimeRules.isoDuration(s.beamName, b));
  }
}
