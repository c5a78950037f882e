package io.clickstream.api;

import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The width of the buckets a count series is summed into.
 *
 * <p>Hours and days are those of the wall clock in the query's time zone, so a day across a DST
 * change has 23 or 25 hours, and in a zone such as Asia/Kolkata (+05:30) hours start at :30 UTC.
 * When the clock falls back, the repeated hour is two buckets, told apart by their offsets.
 */
enum Step {
  MINUTE {
    @Override
    Instant bucketStart(Instant minute, ZoneId zone) {
      // The aggregates are kept per UTC minute; every zone in use today is whole minutes off UTC.
      return minute.truncatedTo(ChronoUnit.MINUTES);
    }

    @Override
    Instant nextBucketStart(Instant bucketStart, ZoneId zone) {
      return bucketStart.plus(1, ChronoUnit.MINUTES);
    }
  },
  HOUR {
    @Override
    Instant bucketStart(Instant minute, ZoneId zone) {
      // truncatedTo keeps the offset the minute had, which is what splits a repeated hour in two.
      return minute.atZone(zone).truncatedTo(ChronoUnit.HOURS).toInstant();
    }

    @Override
    Instant nextBucketStart(Instant bucketStart, ZoneId zone) {
      return bucketStart.plus(1, ChronoUnit.HOURS);
    }
  },
  DAY {
    @Override
    Instant bucketStart(Instant minute, ZoneId zone) {
      // atStartOfDay, not midnight: in some zones a DST change skips midnight itself.
      return minute.atZone(zone).toLocalDate().atStartOfDay(zone).toInstant();
    }

    @Override
    Instant nextBucketStart(Instant bucketStart, ZoneId zone) {
      return bucketStart.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
    }
  };

  /** The start of the bucket holding {@code minute}. */
  abstract Instant bucketStart(Instant minute, ZoneId zone);

  /**
   * Where the bucket after the one starting at {@code bucketStart} starts, as a rule of thumb: the
   * caller checks it against {@link #bucketStart}, since a clock change of part of an hour makes an
   * hour shorter.
   */
  abstract Instant nextBucketStart(Instant bucketStart, ZoneId zone);

  /** The next wider step, which a range too long for this one may use; null for the widest. */
  Step wider() {
    return ordinal() + 1 < values().length ? values()[ordinal() + 1] : null;
  }

  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Returns the step for a wire value, or {@code null} when the value is not one. */
  static Step fromWire(String value) {
    for (Step s : values()) {
      if (s.wireName().equals(value)) {
        return s;
      }
    }
    return null;
  }
}
