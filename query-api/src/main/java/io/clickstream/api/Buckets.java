package io.clickstream.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The minutes of a query's range and the step buckets they sum into.
 *
 * <p>A minute belongs to the range when its start is in [from, to). Every bucket the range touches
 * is there, even one with no counts, and the first and last bucket may be only partly inside the
 * range. Buckets are found from boundary to boundary, not minute by minute, so a year of days costs
 * 366 steps, not 527,040.
 */
final class Buckets {

  private static final long MINUTE_SECONDS = 60;

  /**
   * Epoch minutes: bucket {@code b} holds the range's minutes in [{@code edges[b]}, {@code edges[b
   * + 1]}).
   */
  final long[] edges;

  /** Bucket starts, in the query's time zone. */
  final List<OffsetDateTime> starts;

  private Buckets(long[] edges, List<OffsetDateTime> starts) {
    this.edges = edges;
    this.starts = starts;
  }

  /**
   * The minutes whose start is in [from, to), in buckets of {@code step} on the wall clock of
   * {@code tz}; found only up to {@code max + 1} buckets, so that a caller can refuse more than
   * {@code max} without the work of finding them all.
   */
  static Buckets of(Instant from, Instant to, Step step, ZoneId tz, int max) {
    long end = firstMinuteAtOrAfter(to);
    List<OffsetDateTime> starts = new ArrayList<>();
    long[] edges = new long[16];
    int n = 0;
    for (long m = firstMinuteAtOrAfter(from); m < end && n <= max; n++) {
      Instant start = step.bucketStart(instantOf(m), tz);
      starts.add(start.atZone(tz).toOffsetDateTime());
      if (n + 2 > edges.length) {
        edges = Arrays.copyOf(edges, edges.length * 2);
      }
      edges[n] = m;
      m = Math.min(end, nextBucket(step, tz, start, m, end));
      edges[n + 1] = m;
    }
    return new Buckets(Arrays.copyOf(edges, n + 1), starts);
  }

  /** The whole range as one bucket, for an answer summed over all of it. */
  static Buckets whole(Instant from, Instant to) {
    return new Buckets(
        new long[] {firstMinuteAtOrAfter(from), firstMinuteAtOrAfter(to)},
        List.of(from.atZone(QueryParams.DEFAULT_TZ).toOffsetDateTime()));
  }

  int count() {
    return starts.size();
  }

  /** How many minutes start in [from, to). */
  static long minutesBetween(Instant from, Instant to) {
    return firstMinuteAtOrAfter(to) - firstMinuteAtOrAfter(from);
  }

  /**
   * The first minute after {@code minute} in another bucket than {@code start}'s: where the step
   * says the next bucket starts, checked, since bucket starts only grow with the minute; else, in a
   * zone whose clock moves by a part of an hour, the first minute whose bucket start differs.
   */
  private static long nextBucket(Step step, ZoneId tz, Instant start, long minute, long end) {
    long guess = firstMinuteAtOrAfter(step.nextBucketStart(start, tz));
    if (guess > minute
        && step.bucketStart(instantOf(guess - 1), tz).equals(start)
        && !step.bucketStart(instantOf(guess), tz).equals(start)) {
      return guess;
    }
    long m = minute + 1;
    while (m < end && step.bucketStart(instantOf(m), tz).equals(start)) {
      m++;
    }
    return m;
  }

  private static Instant instantOf(long epochMinute) {
    return Instant.ofEpochSecond(epochMinute * MINUTE_SECONDS);
  }

  private static long firstMinuteAtOrAfter(Instant t) {
    long floor = Math.floorDiv(t.getEpochSecond(), MINUTE_SECONDS);
    return instantOf(floor).equals(t) ? floor : floor + 1;
  }
}
