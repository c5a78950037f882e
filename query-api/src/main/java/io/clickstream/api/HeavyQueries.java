package io.clickstream.api;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A limit on the queries that read a range of hashes (counts, funnel results) running at once. Each
 * holds a Redis connection and up to {@link ReadLimits#MAX_HASHES} reads; without a limit, a few
 * slow ones took every pooled connection and everything waited behind them, health included. One
 * that finds no permit within {@link #WAIT} is answered 503 with {@code Retry-After} ({@link
 * Overloaded}), rather than queued without end.
 */
final class HeavyQueries {

  /** Fewer than the query pool's connections, so that light routes still get one. */
  static final int AT_ONCE = 8;

  /**
   * Long enough to ride out a burst of the dashboard's small queries, short enough to shed load.
   */
  static final Duration WAIT = Duration.ofMillis(250);

  private final Semaphore permits = new Semaphore(AT_ONCE, true);

  <T> T run(Supplier<T> query) {
    boolean acquired;
    try {
      acquired = permits.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      acquired = false;
    }
    if (!acquired) {
      throw new Overloaded(
          "busy: " + AT_ONCE + " range queries are running; retry shortly or narrow the range");
    }
    try {
      return query.get();
    } finally {
      permits.release();
    }
  }

  /** For tests, which hold permits to fill the limit. */
  Semaphore permits() {
    return permits;
  }
}
