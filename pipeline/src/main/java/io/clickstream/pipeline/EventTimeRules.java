package io.clickstream.pipeline;

import io.clickstream.core.Dimensions;
import java.io.Serializable;
import org.joda.time.Duration;

/**
 * The event-time rules of the pipeline, shared by parsing (which sets late events aside) and
 * sessionizing (which must never drop an event parsing let through).
 *
 * @param sessionGap inactivity that closes a session
 * @param allowedLateness how far behind the watermark an event may be and still count
 * @param outOfOrderness how far the watermark trails the read position
 * @param earlyFiringDelay how long after its first new event an open session is re-emitted
 * @param maxSessionEvents the most events a session counts; the rest are set aside
 * @param maxSessionLength how long after its first event a session still counts events
 * @param maxEpisodeEvents the most events a user-scope episode evaluates; the rest are only counted
 */
public record EventTimeRules(
    Duration sessionGap,
    Duration allowedLateness,
    Duration outOfOrderness,
    Duration earlyFiringDelay,
    int maxSessionEvents,
    Duration maxSessionLength,
    int maxEpisodeEvents)
    implements Serializable {

  public static final int DEFAULT_MAX_SESSION_EVENTS = 10_000;

  /** ISO-8601, as {@code --maxSessionLength} takes it. */
  public static final String DEFAULT_MAX_SESSION_LENGTH = "PT12H";

  public static final int DEFAULT_MAX_EPISODE_EVENTS = 10_000;

  public EventTimeRules {
    if (maxSessionEvents < 1) {
      throw new IllegalArgumentException(
          "--maxSessionEvents: must be at least 1, got " + maxSessionEvents);
    }
    if (!maxSessionLength.isLongerThan(Duration.ZERO)) {
      throw new IllegalArgumentException(
          "--maxSessionLength: must be positive, got " + maxSessionLength);
    }
    if (maxEpisodeEvents < 1) {
      throw new IllegalArgumentException(
          "--maxEpisodeEvents: must be at least 1, got " + maxEpisodeEvents);
    }
  }

  /** Settings with the default session and episode caps. */
  public EventTimeRules(
      Duration sessionGap,
      Duration allowedLateness,
      Duration outOfOrderness,
      Duration earlyFiringDelay) {
    this(
        sessionGap,
        allowedLateness,
        outOfOrderness,
        earlyFiringDelay,
        DEFAULT_MAX_SESSION_EVENTS,
        isoDuration("maxSessionLength", DEFAULT_MAX_SESSION_LENGTH),
        DEFAULT_MAX_EPISODE_EVENTS);
  }

  /** These settings with another cap on a user-scope episode's events. */
  public EventTimeRules withMaxEpisodeEvents(int max) {
    return new EventTimeRules(
        sessionGap,
        allowedLateness,
        outOfOrderness,
        earlyFiringDelay,
        maxSessionEvents,
        maxSessionLength,
        max);
  }

  /** Events more than this far ahead of their write time are refused as clock errors. */
  public static final Duration MAX_FUTURE = Duration.standardMinutes(5);

  /**
   * Beam's own allowed lateness exceeds ours by this much, so that an event parsing judged on time
   * (by its write time) is never dropped by the window (judged by the watermark when it arrives,
   * which may be a little later than its write time).
   */
  static final Duration WINDOW_SLACK = Duration.standardMinutes(1);

  public static EventTimeRules from(ClickstreamOptions options) {
    return new EventTimeRules(
        isoDuration("sessionGap", options.getSessionGap()),
        isoDuration("allowedLateness", options.getAllowedLateness()),
        isoDuration("outOfOrderness", options.getOutOfOrderness()),
        isoDuration("earlyFiringDelay", options.getEarlyFiringDelay()),
        options.getMaxSessionEvents(),
        isoDuration("maxSessionLength", options.getMaxSessionLength()),
        options.getMaxEpisodeEvents());
  }

  /**
   * The dimensions {@code --dimensions} names, checked before anything starts: an unknown name or
   * too many is an {@link IllegalArgumentException} naming the option, the entry and the allowed
   * forms.
   */
  public static Dimensions dimensionsFrom(ClickstreamOptions options) {
    try {
      return Dimensions.parse(options.getDimensions());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--dimensions: " + e.getMessage(), e);
    }
  }

  /** Parses an ISO-8601 duration such as PT30M (Joda's own parser only reads seconds). */
  public static Duration isoDuration(String option, String value) {
    try {
      return Duration.millis(java.time.Duration.parse(value).toMillis());
    } catch (java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException(
          "--"
              + option
              + ": expected an ISO-8601 duration such as PT30M or PT10S, got \""
              + value
              + "\"");
    }
  }

  Duration windowAllowedLateness() {
    return allowedLateness.plus(WINDOW_SLACK);
  }
}
