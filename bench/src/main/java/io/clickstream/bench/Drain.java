package io.clickstream.bench;

import java.time.Duration;
import java.util.Map;

/**
 * Waits until an engine has caught up with the dataset: until Redis holds exactly the baseline's
 * aggregates. Polls the count of events (one small hash) and reads everything only once that count
 * is reached, so the poll stays cheap at a million events.
 */
final class Drain {

  private static final long POLL_MILLIS = 500;
  private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

  /**
   * Once every event is counted, the rest follows within a few early-firing delays (500 ms each):
   * funnel results come from the same firings, user-scope ones from timers half a second after
   * their events. Aggregates that still differ after this long are wrong, not late.
   */
  private static final long SETTLE_NANOS = 60_000_000_000L;

  private static final int DIFFERENCES_SHOWN = 10;

  private final String engine;
  private final RedisAggregates redis;
  private final Map<String, Long> expected;
  private final long expectedEvents;

  Drain(String engine, RedisAggregates redis, Map<String, Long> expected, long expectedEvents) {
    this.engine = engine;
    this.redis = redis;
    this.expected = expected;
    this.expectedEvents = expectedEvents;
  }

  /**
   * Returns the seconds from {@code startNanos} until Redis held the expected aggregates (within
   * one poll); throws, with the differences, when they are wrong or not reached within {@code
   * limit}.
   */
  double await(long startNanos, Duration limit) throws InterruptedException {
    long lastReport = startNanos;
    long reportedEvents = 0;
    long allCountedSince = 0;
    while (true) {
      long counted = redis.countedEvents();
      long now = System.nanoTime();
      if (counted >= expectedEvents) {
        allCountedSince = allCountedSince == 0 ? now : allCountedSince;
        Map<String, Long> actual = redis.read();
        if (actual.equals(expected)) {
          return (System.nanoTime() - startNanos) / 1e9;
        }
        if (now - allCountedSince > SETTLE_NANOS) {
          throw mismatch(
              counted
                  + " events counted (the baseline counted "
                  + expectedEvents
                  + "), but the aggregates still differ "
                  + SETTLE_NANOS / 1_000_000_000L
                  + " s later",
              actual);
        }
      }
      if (now - startNanos > limit.toNanos()) {
        throw mismatch(
            counted
                + " of "
                + expectedEvents
                + " events counted when the time limit for this size, "
                + limit.toSeconds()
                + " s, ran out",
            redis.read());
      }
      if (now - lastReport >= PROGRESS_EVERY_NANOS) {
        System.out.printf(
            "  %s: %,d / %,d events counted, %,.0f events/s over the last %.0f s%n",
            engine,
            counted,
            expectedEvents,
            (counted - reportedEvents) / ((now - lastReport) / 1e9),
            (now - lastReport) / 1e9);
        lastReport = now;
        reportedEvents = counted;
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  private IllegalStateException mismatch(String what, Map<String, Long> actual) {
    return new IllegalStateException(
        engine
            + " did not reach the baseline's aggregates: "
            + what
            + "\n"
            + String.join("\n", RedisAggregates.differences(expected, actual, DIFFERENCES_SHOWN))
            + "\n"
            + redis.diagnostics());
  }
}
