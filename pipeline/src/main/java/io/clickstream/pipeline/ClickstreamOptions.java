package io.clickstream.pipeline;

import io.clickstream.core.Dimensions;
import io.clickstream.pipeline.io.EventsTableOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.StreamingOptions;

/** Options of the Clickstream pipeline; every runner's own options pass through alongside these. */
public interface ClickstreamOptions extends EventsTableOptions, StreamingOptions {

  @Description("Redis server the aggregates are written to, as redis://host:port.")
  @Default.String("redis://127.0.0.1:6379")
  String getRedisUrl();

  void setRedisUrl(String value);

  @Description("Inactivity gap that closes a user's session, as an ISO-8601 duration.")
  @Default.String("PT30M")
  String getSessionGap();

  void setSessionGap(String value);

  @Description(
      "How far behind the watermark an event may arrive and still be counted (ISO-8601 duration). "
          + "Later events go to the dead-letter store.")
  @Default.String("PT10M")
  String getAllowedLateness();

  void setAllowedLateness(String value);

  @Description(
      "How far event time may trail write time before an event counts as late (ISO-8601 duration): "
          + "the watermark is the read position minus this.")
  @Default.String("PT5S")
  String getOutOfOrderness();

  void setOutOfOrderness(String value);

  @Description(
      "The most events a session counts: a session's events after its first N (by event time, then "
          + "event_id) are set aside as dead letters of kind 'capped'. Bounds a bot's or a shared id's session.")
  @Default.Integer(EventTimeRules.DEFAULT_MAX_SESSION_EVENTS)
  int getMaxSessionEvents();

  void setMaxSessionEvents(int value);

  @Description(
      "The longest a session counts, from its first event (ISO-8601 duration): later events of the "
          + "same session are set aside as dead letters of kind 'capped'.")
  @Default.String(EventTimeRules.DEFAULT_MAX_SESSION_LENGTH)
  String getMaxSessionLength();

  void setMaxSessionLength(String value);

  @Description(
      "The most events a user-scope funnel episode evaluates: its first N (by event time, then "
          + "event_id); later ones are counted (metric episode_events_capped) but no attempt sees them. Bounds a bot's "
          + "episode state. No dead letter: sessions still count those events.")
  @Default.Integer(EventTimeRules.DEFAULT_MAX_EPISODE_EVENTS)
  int getMaxEpisodeEvents();

  void setMaxEpisodeEvents(int value);

  @Description("How often the unbounded read polls HBase for new writes, in milliseconds.")
  @Default.Long(200)
  long getPollIntervalMillis();

  void setPollIntervalMillis(long value);

  @Description(
      "How long after the first new event of an open session (or user-scope episode) its results are "
          + "re-emitted for the live view (ISO-8601 duration). Shorter shows events sooner; longer sends fewer, "
          + "larger updates.")
  @Default.String("PT0.1S")
  String getEarlyFiringDelay();

  void setEarlyFiringDelay(String value);

  @Description(
      "How long after its write time a cell may still become visible to a scan (ISO-8601 duration). "
          + "Every poll re-reads this much of the past, so no write is missed.")
  @Default.String("PT1S")
  String getReadOverlap();

  void setReadOverlap(String value);

  @Description(
      "Write time, in epoch milliseconds, from which the unbounded read starts; -1 means where the "
          + "last run left off (less the replay), or all of history on a first run.")
  @Default.Long(-1)
  long getReadFromMillis();

  void setReadFromMillis(long value);

  @Description(
      "How much of the past a restarted pipeline reads again before where it left off (ISO-8601 "
          + "duration), so that sessions and user-scope attempts open at the stop are rebuilt whole. At least "
          + "the session gap plus the allowed lateness; longer than the longest user-scope window.")
  @Default.String("PT1H")
  String getReplayOnRestart();

  void setReplayOnRestart(String value);

  @Description(
      "The dimensions counts are broken down by, comma-separated: source, partner, campaign, page, or "
          + "properties.NAME (a value of the event's properties). At most 16. Each event counts by its own value; "
          + "sessions and conversions by their session's first event. Recorded in Redis at start, so the API "
          + "offers them and a backfill counts by them too.")
  @Default.String(Dimensions.DEFAULT_TEXT)
  String getDimensions();

  void setDimensions(String value);

  @Description(
      "The most distinct values one minute of one metric counts in fields of their own, per dimension: "
          + "values beyond the first N seen in that minute are counted together under (other), so that a noisy value "
          + "(a user id in a property) cannot grow Redis without bound. Missing values are not capped. Recorded in "
          + "Redis at start, so a backfill caps the same.")
  @Default.Integer(WriteSessionContributions.DEFAULT_MAX_DIMENSION_VALUES)
  int getMaxDimensionValues();

  void setMaxDimensionValues(int value);

  @Description(
      "The most distinct event names counted under names of their own: senders choose names, so once "
          + "N names are in the catalog, the events of any other name are counted together as _other_events, "
          + "so that made-up names cannot grow Redis without bound. A name once counted stays counted. "
          + "Recorded in Redis at start, so a backfill caps the same.")
  @Default.Integer(WriteSessionContributions.DEFAULT_MAX_EVENT_NAMES)
  int getMaxEventNames();

  void setMaxEventNames(int value);

  @Description(
      "How long counts are kept (ISO-8601 duration): a minute's counts and funnel results expire this "
          + "long after the minute, and a user's session bookkeeping this long after it last changed.")
  @Default.String("P400D")
  String getRetention();

  void setRetention(String value);
}
