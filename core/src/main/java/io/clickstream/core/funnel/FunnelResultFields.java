package io.clickstream.core.funnel;

import io.clickstream.core.Dimension;

/**
 * Field names inside a funnel results hash ({@code RedisKeys.funnelResults}); each holds a count of
 * results bucketed in that minute.
 */
public final class FunnelResultFields {

  /** Results not complete whose session is still open (or whose window has not ended). */
  public static final String IN_PROGRESS = "open";
  /** Results not complete whose session closed (or whose window ended). */
  public static final String DROPPED = "dropped";

  private FunnelResultFields() {}

  /** Results that reached at least step {@code step} (1-based). */
  public static String reached(int step) {
    return "reached:" + step;
  }

  /** Results, by a breakdown value of their first touch, that reached at least step {@code step}. */
  public static String reachedBy(Dimension dimension, int step, String value) {
    return "by:" + dimension.wireName() + ":" + step + ":" + value;
  }

  /** The prefix of {@link #reachedBy} fields of one dimension; the rest is {@code step:value}. */
  public static String reachedByPrefix(Dimension dimension) {
    return "by:" + dimension.wireName() + ":";
  }

  /** Results that took {@code seconds} whole seconds from step 1 to step {@code step} (step >= 2). */
  public static String secondsToStep(int step, long seconds) {
    return "secs:" + step + ":" + seconds;
  }

  /** The prefix of {@link #secondsToStep} fields of one step; the rest is the seconds. */
  public static String secondsToStepPrefix(int step) {
    return "secs:" + step + ":";
  }
}
