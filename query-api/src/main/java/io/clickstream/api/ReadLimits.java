package io.clickstream.api;

import java.time.Duration;

/**
 * How much one read may cost. Reads need no token, so each bound here is what keeps one request, or
 * a few at once, from taking the server's time and memory (issue 11); docs/api.md, "Limits".
 */
final class ReadLimits {

  /**
   * The most points one series (or trend) may have: more than a chart can show, and each costs a
   * slot per series in memory and about 40 bytes of JSON.
   */
  static final int MAX_BUCKETS = 1_500;

  /**
   * The longest range a request may name: a year, leap day included, read from the day and hour
   * rollups (docs/redis-keys.md, "Rollups").
   */
  static final Duration MAX_RANGE = Duration.ofDays(366);

  /**
   * The most hashes one request may read, each one HGETALL: 92 days of minutes, which only a range
   * from before the rollups needs. With them, a year is at most about 9,000 (hours and days in a
   * zone a whole number of hours off UTC) or 31,000 (a zone such as +05:30, whose hours are read as
   * minutes); without a bound, one request read 527,040, a second or more of Redis's only thread.
   */
  static final int MAX_HASHES = 92 * 1_440;

  /** Series (or breakdown rows) answered besides {@code (other)}, unless {@code limit} says. */
  static final int DEFAULT_TOP = 10;

  static final int MAX_TOP = 100;

  /**
   * Distinct values one request sums apart. Senders choose values, so a range can hold a thousand
   * new ones per minute; past this many, a value not yet seen is summed into {@code (other)} at
   * once, so memory stays bounded (the top N are then chosen among the first values seen).
   */
  static final int MAX_VALUES_SUMMED = 20_000;

  /** Event names {@code /api/events} answers, unless {@code limit} says. */
  static final int DEFAULT_EVENTS = 100;

  static final int MAX_EVENTS = 1_000;

  private ReadLimits() {}
}
