package io.clickstream.bench;

import io.clickstream.core.EventTable;
import io.clickstream.core.generator.GeneratedEvent;
import io.clickstream.core.generator.JourneyGenerator;
import java.time.Instant;
import java.util.Iterator;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.Connection;

/**
 * Live traffic while freshness is measured: the generator's live stream, each line written when its
 * write time comes and flushed every {@link #FLUSH_EVERY_MILLIS} ms, as applications would send it.
 * Runs in a daemon thread from {@link #start} until {@link #close}.
 */
final class LoadWriter implements AutoCloseable {

  private static final long FLUSH_EVERY_MILLIS = 100;

  /** Concurrent visitors per event/s: about ten seconds between one visitor's clicks. */
  private static final int USERS_PER_EVENT_PER_SECOND = 10;

  /** Not the dataset's seeds: other users, so the load never joins the dataset's sessions. */
  private static final long SEED = 77;

  private final Connection connection;
  private final double rate;
  private final Thread thread = new Thread(this::run, "bench-load-writer");
  private volatile boolean stopping;
  private volatile long written;
  private volatile Throwable failure;
  private long startNanos;
  private long stopNanos;

  private LoadWriter(Connection connection, double rate) {
    this.connection = connection;
    this.rate = rate;
  }

  static LoadWriter start(Connection connection, double eventsPerSecond) {
    LoadWriter writer = new LoadWriter(connection, eventsPerSecond);
    writer.startNanos = System.nanoTime();
    writer.thread.setDaemon(true);
    writer.thread.start();
    return writer;
  }

  /**
   * Stops writing; throws if writing failed, since the freshness figures would then be without
   * load.
   */
  @Override
  public void close() throws InterruptedException {
    stopping = true;
    thread.join();
    stopNanos = System.nanoTime();
    if (failure != null) {
      throw new IllegalStateException("the background writer failed", failure);
    }
  }

  /** Events per second actually written, once closed. */
  double achievedRate() {
    return written / ((stopNanos - startNanos) / 1e9);
  }

  private void run() {
    int users = (int) Math.max(1, Math.round(rate * USERS_PER_EVENT_PER_SECOND));
    Iterator<GeneratedEvent> events = new JourneyGenerator(SEED, users).stream(Instant.now(), rate);
    try (BufferedMutator mutator = connection.getBufferedMutator(EventTable.NAME)) {
      long lastFlush = System.currentTimeMillis();
      long pending = 0;
      while (!stopping) {
        GeneratedEvent e = events.next();
        long wait = e.writeAt().toEpochMilli() - System.currentTimeMillis();
        if (wait > 0) {
          Thread.sleep(wait);
        }
        mutator.mutate(EventTable.put(e.event(), e.json()));
        pending++;
        if (System.currentTimeMillis() - lastFlush >= FLUSH_EVERY_MILLIS) {
          mutator.flush();
          written += pending;
          pending = 0;
          lastFlush = System.currentTimeMillis();
        }
      }
      mutator.flush();
      written += pending;
    } catch (Throwable t) {
      failure = t;
    }
  }
}
