package io.clickstream.core;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Redis key schema (docs/redis-keys.md), in one place for the writer and the API.
 *
 * <p>Dimension values and event names are hash fields where possible, and hash fields are binary
 * safe, so they need no escaping. Where a name must go into a key it is percent-escaped with {@link
 * #escape}: injective, and free of {@code : * ? [ ] { }} and white space.
 */
public final class RedisKeys {

  public static final String PREFIX = "cs:";

  /** The field of an undivided count's hash, which holds its total. */
  public static final String FIELD_TOTAL = "all";

  /** The dimension part of an undivided count's key ({@code cs:cnt:{metric}:all:{minute}}). */
  public static final String UNDIVIDED = "all";

  public static final String METRIC_SESSIONS = "sessions";
  public static final String METRIC_MICRO = "micro";
  public static final String METRIC_MACRO = "macro";

  /**
   * The metric of the events whose name the cap on distinct event names refused
   * (docs/redis-keys.md, "The cap on distinct event names"): all of them together, by the same
   * dimensions.
   */
  public static final String METRIC_OTHER_EVENTS = "other_events";

  /**
   * Those events' name in the catalog hashes, where the names admitted are the fields: no event's
   * name starts with {@code _}, so it is no event's.
   */
  public static final String CATALOG_OTHER_EVENTS = "_other_events";

  public static final String CATALOG_TOTAL = PREFIX + "catalog:total";
  public static final String CATALOG_FIRST_SEEN = PREFIX + "catalog:first";
  public static final String CATALOG_LAST_SEEN = PREFIX + "catalog:last";

  /** Hash of the running pipeline's status, with the three fields below. */
  public static final String PIPELINE_STATUS = PREFIX + "pipeline";

  public static final String STATUS_WATERMARK_MS = "watermark_ms";
  public static final String STATUS_HEARTBEAT_MS = "heartbeat_ms";
  public static final String STATUS_RUNNER = "runner";
  public static final String DEAD_LETTERS = PREFIX + "deadletter";

  /**
   * Stream of a sample of the events as they are counted, for {@code GET /api/stream}: each entry a
   * session's newest event when its counts are written ({@code event}, {@code ts} in epoch ms,
   * {@code user}), at most a few per write; trimmed to about {@link #LIVE_EVENTS_MAX_LENGTH}.
   */
  public static final String LIVE_EVENTS = PREFIX + "live";

  /** The length {@link #LIVE_EVENTS} is trimmed to, approximately ({@code XADD MAXLEN ~}). */
  public static final int LIVE_EVENTS_MAX_LENGTH = 1_000;

  /** Hash of how far the unbounded read has read: salt bucket -> write time (epoch ms). */
  public static final String READ_POSITIONS = PREFIX + "source:position";

  /**
   * Hash of how densely the writes lie that the unbounded read went through last: salt bucket ->
   * cells per second of write time (a decimal), the bucket's share of its reader's. With {@link
   * #READ_POSITIONS} it estimates how many events the read is behind.
   */
  public static final String READ_RATES = PREFIX + "source:rate";

  /** Hash: funnel id -> its current definition (JSON with version and live_from). */
  public static final String FUNNELS = PREFIX + "funnels";

  /**
   * Hash: funnel id -> why the pipeline stopped evaluating it (JSON with the failed version, the
   * reason and when). A new version of the funnel is evaluated afresh.
   */
  public static final String FUNNEL_FAILURES = PREFIX + "funnel_failures";

  /**
   * Hash: the event-time rules the live pipeline last started with (ISO-8601 durations under {@code
   * session_gap}, {@code allowed_lateness}, {@code out_of_orderness}), so that a backfill counts
   * with the same ones.
   */
  public static final String SESSION_SETTINGS = PREFIX + "settings";

  /**
   * The field of {@link #SESSION_SETTINGS} holding the dimensions the live pipeline counts by
   * ({@code Dimensions.text}).
   */
  public static final String SETTING_DIMENSIONS = "dimensions";

  /**
   * Hash: dimension name -> epoch ms when a live pipeline first counted by it (its live_from).
   * Every dimension ever counted by stays, so the API offers its data after it is dropped from the
   * list.
   */
  public static final String DIMENSIONS = PREFIX + "dimensions";

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private RedisKeys() {}

  /** The metric segment of an application event's counts. */
  public static String eventMetric(String eventName) {
    return "e." + escape(eventName);
  }

  /** The metric segment for a conversion kind. */
  public static String conversionMetric(Conversion conversion) {
    return conversion == Conversion.MICRO ? METRIC_MICRO : METRIC_MACRO;
  }

  /**
   * The hash holding one minute of one metric by one dimension ({@code DimensionName.keyPart}, or
   * {@link #UNDIVIDED}): field = the dimension value as {@code DimensionName.field} stores it (or
   * {@link #FIELD_TOTAL} when undivided), value = count.
   */
  public static String counts(String metric, String dimension, long epochMinute) {
    return counts(metric, dimension, CountPeriod.MINUTE, epochMinute);
  }

  /** As {@link #counts(String, String, long)}, for one {@code period} ({@link CountPeriod}). */
  public static String counts(String metric, String dimension, CountPeriod period, long index) {
    return countsPrefix(metric, dimension) + period.keySegment(index);
  }

  /**
   * The rollups a minute's count key adds up into: its hour's and its day's key ({@code
   * cs:cnt:…:h{hour}}, {@code cs:cnt:…:d{day}}, and likewise for funnel results); none for a key
   * that is not a minute's counts or funnel results.
   */
  public static List<String> rollupsOf(String key) {
    if (!key.startsWith(PREFIX + "cnt:") && !key.startsWith(PREFIX + "fr:")) {
      return List.of();
    }
    int segment = key.lastIndexOf(':') + 1;
    long minute;
    try {
      minute = Long.parseLong(key, segment, key.length(), 10);
    } catch (NumberFormatException e) {
      return List.of(); // already a rollup
    }
    String prefix = key.substring(0, segment);
    return List.of(
        prefix + CountPeriod.HOUR.keySegment(CountPeriod.HOUR.indexOf(minute)),
        prefix + CountPeriod.DAY.keySegment(CountPeriod.DAY.indexOf(minute)));
  }

  /** What the keys of one metric's counts by one dimension, every minute, begin with. */
  public static String countsPrefix(String metric, String dimension) {
    return PREFIX + "cnt:" + metric + ":" + dimension + ":";
  }

  /** What a contribution counts into: the event counts, or one funnel version's results. */
  public static final String NAMESPACE_EVENTS = "events";

  /**
   * What a backfill of counts adds to the event counts: per session, what its late rows change. It
   * has records of its own, so that it never takes the live path's sealed sessions for its
   * predecessors.
   */
  public static final String NAMESPACE_LATE_HISTORY = "events.late";

  /**
   * Hash: {@code "{from ms}-{to ms}"} -> the late rows counted, the ranges of session starts a
   * backfill of counts has covered. Those rows stay in the dead-letter stream, which is a log.
   */
  public static final String LATE_BACKFILLS = PREFIX + "late:backfills";

  public static String funnelNamespace(String funnelId, int version) {
    return "f." + funnelId + "." + version;
  }

  /**
   * The sorted set of a user's open session contributions to a namespace, scored by session start.
   */
  public static String userSessions(String userId, String namespace) {
    return PREFIX + "u:" + escape(userId) + ":" + namespace + ":sessions";
  }

  /**
   * The prefix of a user's session contribution records; the member of {@link #userSessions}
   * follows.
   */
  public static String userSessionPrefix(String userId, String namespace) {
    return PREFIX + "u:" + escape(userId) + ":" + namespace + ":s:";
  }

  /**
   * Hash: namespace -> epoch ms, the user's sealed horizon in each namespace: every session of the
   * user ending at or before it is finished, and a contribution starting before it is stale.
   */
  public static String userSealed(String userId) {
    return PREFIX + "u:" + escape(userId) + ":sealed";
  }

  /** Hash: version -> definition JSON, every version a funnel ever had (kept after a delete). */
  public static String funnelVersions(String funnelId) {
    return PREFIX + "funnel:" + funnelId + ":versions";
  }

  /**
   * Hash: {@code "{from ms}-{to ms}"} -> epoch ms of the first run, the ranges backfilled for a
   * funnel version.
   */
  public static String funnelBackfills(String funnelId, int version) {
    return PREFIX + "funnel:" + funnelId + ":" + version + ":backfills";
  }

  /**
   * Hash: {@code "{from ms}-{to ms}"} -> epoch ms of the first run, the ranges of session starts
   * backfilled for a dimension ({@code DimensionName.wireName}, escaped).
   */
  public static String dimensionBackfills(String dimension) {
    return PREFIX + "dimension:" + escape(dimension) + ":backfills";
  }

  /** Counter handing out a funnel's versions, so a re-created funnel never reuses one. */
  public static String funnelVersionCounter(String funnelId) {
    return PREFIX + "funnel:" + funnelId + ":version";
  }

  /**
   * Hash of one UTC minute of a funnel version's results (bucketed by each result's step-1 event);
   * its fields are built by {@code funnel.FunnelResultFields}. Funnel ids are restricted to {@code
   * [A-Za-z0-9_-]}, so they need no escaping.
   */
  public static String funnelResults(String funnelId, int version, long epochMinute) {
    return funnelResults(funnelId, version, CountPeriod.MINUTE, epochMinute);
  }

  /** As {@link #funnelResults(String, int, long)}, for one {@code period}. */
  public static String funnelResults(String funnelId, int version, CountPeriod period, long index) {
    return PREFIX + "fr:" + funnelId + ":" + version + ":" + period.keySegment(index);
  }

  /**
   * Hash: notebook id -> its title: the notebooks there are, listed without reading their
   * documents, and counted ({@code HLEN}) against the cap on notebooks.
   */
  public static final String NOTEBOOKS = PREFIX + "notebooks";

  /**
   * String: a notebook's document (JSON). Notebook ids are restricted to {@code [A-Za-z0-9_-]}, so
   * they need no escaping.
   */
  public static String notebook(String notebookId) {
    return PREFIX + "notebook:" + notebookId;
  }

  /**
   * String: epoch ms from which every hour and day has complete rollups ({@link CountPeriod}):
   * {@code 0} when the first pipeline to write this Redis wrote them, else the first UTC midnight
   * after any event a session finished before that start can hold, since such sessions are in the
   * minutes only. Set once; the API reads minutes before it.
   */
  public static final String ROLLUPS_FROM = PREFIX + "rollups_from";

  /**
   * Percent-escapes everything outside {@code [A-Za-z0-9._-]}, byte by byte of the UTF-8 form.
   * Distinct inputs give distinct outputs, and no output contains a Redis glob character or a
   * colon.
   */
  public static String escape(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '.'
          || c == '_'
          || c == '-') {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
    return out.toString();
  }
}
