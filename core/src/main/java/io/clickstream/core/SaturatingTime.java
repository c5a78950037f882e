package io.clickstream.core;

import java.time.Duration;

/**
 * Event-time arithmetic that saturates at the ends of {@code long} instead of wrapping or throwing.
 * Durations from a funnel definition are added to event times on the processing path: an overflow
 * there would be an exception on every replay of the same events, so it must not be possible.
 */
public final class SaturatingTime {

  private SaturatingTime() {}

  /**
   * {@code millis + delta}, held at {@link Long#MIN_VALUE} or {@link Long#MAX_VALUE} on overflow.
   */
  public static long plus(long millis, long delta) {
    long sum = millis + delta;
    // Overflow happened when both operands have the sign the sum lacks.
    if (((millis ^ sum) & (delta ^ sum)) < 0) {
      return delta > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return sum;
  }

  /** The duration in milliseconds, held at the ends of {@code long} when it has more. */
  public static long millis(Duration duration) {
    try {
      return duration.toMillis();
    } catch (ArithmeticException e) {
      return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** {@code millis + duration}, saturating. */
  public static long plus(long millis, Duration duration) {
    return plus(millis, millis(duration));
  }
}
