package io.clickstream.core;

/**
 * The UTC periods counts are kept for: every minute, and rolled up per hour and per day, so that a
 * long range reads one hash per hour or day instead of one per minute (docs/redis-keys.md,
 * "Rollups"). A period's index counts periods since the epoch, so a day's index times 1,440 is the
 * epoch minute it starts at.
 */
public enum CountPeriod {
  MINUTE(1, ""),
  HOUR(60, "h"),
  DAY(1_440, "d");

  /** Its length in minutes. */
  public final int minutes;

  /**
   * What precedes the index in the last segment of a key: nothing for minutes, so the minute keys
   * of every release before rollups keep their names.
   */
  final String keyTag;

  CountPeriod(int minutes, String keyTag) {
    this.minutes = minutes;
    this.keyTag = keyTag;
  }

  /** The index of the period holding {@code epochMinute}. */
  public long indexOf(long epochMinute) {
    return Math.floorDiv(epochMinute, minutes);
  }

  /** The last segment of a key of this period. */
  String keySegment(long index) {
    return keyTag + index;
  }
}
