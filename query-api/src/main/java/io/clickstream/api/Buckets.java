package io.clickstream.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * The minutes of a query's range and the step buckets they sum into.
 *
 * <p>A minute belongs to the range when its start is in [from, to). Buckets are found by asking
 * each minute which bucket holds it, so every bucket the range touches is there, even one with no
 * counts, and the first and last bucket may be only partly inside the range.
 */
final class Buckets {

  private static final long MINUTE_SECONDS = 60;

  /** Epoch minute of the range's first minute. */
  final long firstMinute;

  /** Bucket index of each minute of the range, in order. */
  final int[] bucketOfMinute;

  /** Bucket starts, in the query's time zone. */
  final List<OffsetDateTime> starts;

  /**
   * The minutes whose start is in [from, to), in buckets of {@code step} on the wall clock of
   * {@code tz}.
   */
  Buckets(Instant from, Instant to, Step step, ZoneId tz) {
    firstMinute = firstMinuteAtOrAfter(from);
    int minutes = Math.toIntExact(minutesBetween(from, to));
    bucketOfMinute = new int[minutes];
    starts = new ArrayList<>();
    Instant current = null;
    for (int i = 0; i < minutes; i++) {
      Instant start =
          step.bucketStart(Instant.ofEpochSecond((firstMinute + i) * MINUTE_SECONDS), tz);
      if (!start.equals(current)) {
        current = start;
        starts.add(start.atZone(tz).toOffsetDateTime());
      }
      bucketOfMinute[i] = starts.size() - 1;
    }
  }

  int minutes() {
    return bucketOfMinute.length;
  }

  /** How many minutes start in [from, to): the minute hashes a query of that range reads. */
  static long minutesBetween(Instant from, Instant to) {
    return firstMinuteAtOrAfter(to) - firstMinuteAtOrAfter(from);
  }

  private static long firstMinuteAtOrAfter(Instant t) {
    long floor = Math.floorDiv(t.getEpochSecond(), MINUTE_SECONDS);
    return Instant.ofEpochSecond(floor * MINUTE_SECONDS).equals(t) ? floor : floor + 1;
  }
}
