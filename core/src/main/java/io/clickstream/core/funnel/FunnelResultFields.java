package io.clickstream.core.funnel;

import io.clickstream.core.DimensionName;

/**
 * Field names inside a funnel results hash ({@code RedisKeys.funnelResults}); each holds a count of
 * results bucketed in that minute. The one encoder (for the pipeline) and decoder (for the API).
 */
public final class FunnelResultFields {

  /** Results not complete whose session is still open (or whose window has not ended). */
  public static final String IN_PROGRESS = "open";

  /** Results not complete whose session closed (or whose window ended). */
  public static final String DROPPED = "dropped";

  private FunnelResultFields() {}

  private static final String REACHED = "reached:";
  private static final String BY = "by:";
  private static final String SECONDS = "secs:";

  /** Results that reached at least step {@code step} (1-based). */
  public static String reached(int step) {
    return REACHED + step;
  }

  /**
   * Results, by a breakdown value of their first touch, that reached at least step {@code step}:
   * the dimension by its escaped {@link DimensionName#keyPart} (no colons), the value as {@link
   * DimensionName#field} stores it (colons and all, last).
   */
  public static String reachedBy(DimensionName dimension, int step, String field) {
    return BY + dimension.keyPart() + ":" + step + ":" + field;
  }

  /**
   * Results that took {@code seconds} whole seconds from step 1 to step {@code step} (step >= 2).
   */
  public static String secondsToStep(int step, long seconds) {
    return SECONDS + step + ":" + seconds;
  }

  /** What a field counts. */
  public enum Kind {
    REACHED,
    REACHED_BY,
    SECONDS_TO_STEP,
    IN_PROGRESS,
    DROPPED,
    UNKNOWN
  }

  /**
   * A decoded field.
   *
   * @param step the step of {@code REACHED}, {@code REACHED_BY} and {@code SECONDS_TO_STEP}
   *     (1-based; 0 otherwise)
   * @param seconds the seconds of {@code SECONDS_TO_STEP}
   * @param dimension the dimension's key part ({@link DimensionName#keyPart}) of {@code REACHED_BY}
   * @param value the stored field of the dimension's value of {@code REACHED_BY} (it may contain
   *     colons; {@link DimensionName#fromField} reads it)
   */
  public record Field(Kind kind, int step, long seconds, String dimension, String value) {
    private static final Field UNKNOWN = new Field(Kind.UNKNOWN, 0, 0, null, null);
    private static final Field OPEN = new Field(Kind.IN_PROGRESS, 0, 0, null, null);
    private static final Field CLOSED = new Field(Kind.DROPPED, 0, 0, null, null);
  }

  /**
   * Decodes a field written by this class; anything else (or malformed) is {@link Kind#UNKNOWN}. By
   * index rather than by splitting: the API decodes every field of every hash a funnel query reads,
   * thousands per request.
   */
  public static Field decode(String field) {
    try {
      if (field.startsWith(REACHED)) {
        return new Field(
            Kind.REACHED,
            Integer.parseInt(field, REACHED.length(), field.length(), 10),
            0,
            null,
            null);
      }
      if (field.startsWith(SECONDS)) {
        int colon = field.indexOf(':', SECONDS.length());
        return new Field(
            Kind.SECONDS_TO_STEP,
            Integer.parseInt(field, SECONDS.length(), colon, 10),
            Long.parseLong(field, colon + 1, field.length(), 10),
            null,
            null);
      }
      if (field.startsWith(BY)) {
        int afterDimension = field.indexOf(':', BY.length());
        int afterStep = field.indexOf(':', afterDimension + 1);
        return new Field(
            Kind.REACHED_BY,
            Integer.parseInt(field, afterDimension + 1, afterStep, 10),
            0,
            field.substring(BY.length(), afterDimension),
            field.substring(afterStep + 1));
      }
      if (field.equals(IN_PROGRESS)) {
        return Field.OPEN;
      }
      if (field.equals(DROPPED)) {
        return Field.CLOSED;
      }
    } catch (RuntimeException e) { // a number that is not one, a part missing: not a field of ours
      return Field.UNKNOWN;
    }
    return Field.UNKNOWN;
  }
}
