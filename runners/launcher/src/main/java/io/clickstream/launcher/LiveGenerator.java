package io.clickstream.launcher;

import io.clickstream.core.EventTable;
import io.clickstream.core.generator.GeneratedEvent;
import io.clickstream.core.generator.JourneyGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.Connection;

/**
 * Writes the {@link JourneyGenerator}'s live stream into HBase in real time: each line when its
 * write time comes, flushed at least every {@link #FLUSH_EVERY_MILLIS} ms, so the pipeline sees it
 * promptly.
 */
final class LiveGenerator {

  static final long FLUSH_EVERY_MILLIS = 200;

  private final Connection connection;
  private final JourneyGenerator generator;
  private final double rate;
  private final Duration duration;
  private final PrintWriter log;
  private final Duration progressEvery;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile long written;
  private volatile Throwable failure;
  private Thread thread;

  /**
   * @param duration how long to run, or null for until {@link #stop()}
   * @param progressEvery how often to report on {@code log}, or null for never
   */
  LiveGenerator(
      Connection connection,
      JourneyGenerator generator,
      double rate,
      Duration duration,
      PrintWriter log,
      Duration progressEvery) {
    this.connection = connection;
    this.generator = generator;
    this.rate = rate;
    this.duration = duration;
    this.log = log;
    this.progressEvery = progressEvery;
  }

  /** Runs in the calling thread until the duration is over or {@link #stop()} is called. */
  void run() throws IOException, InterruptedException {
    try {
      loop();
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      finished.countDown();
    }
  }

  /** Runs in a daemon thread. */
  void start() {
    thread =
        new Thread(
            () -> {
              try {
                run();
              } catch (Throwable t) {
                log.println("generator stopped: " + Analytics.describe(t));
                log.flush();
              }
            },
            "clickstream-generator");
    thread.setDaemon(true);
    thread.start();
  }

  /** Asks the loop to stop, and waits (a bounded time) for its last flush. */
  void stop() throws InterruptedException {
    stop.countDown();
    finished.await(10, TimeUnit.SECONDS);
  }

  long written() {
    return written;
  }

  Throwable failure() {
    return failure;
  }

  private void loop() throws IOException, InterruptedException {
    Instant start = Instant.now();
    long startMs = start.toEpochMilli();
    long endMs = duration == null ? Long.MAX_VALUE : startMs + duration.toMillis();
    long progressMs = progressEvery == null ? Long.MAX_VALUE : progressEvery.toMillis();
    Iterator<GeneratedEvent> events = generator.stream(start, rate);
    long lastFlush = System.currentTimeMillis();
    long lastReport = lastFlush;
    long writtenAtLastReport = 0;
    int pending = 0;
    try (BufferedMutator mutator = connection.getBufferedMutator(EventTable.NAME)) {
      while (stop.getCount() > 0) {
        GeneratedEvent e = events.next();
        long due = e.writeAt().toEpochMilli();
        if (due >= endMs) {
          break;
        }
        long now = System.currentTimeMillis();
        if (due > now) {
          if (pending > 0) {
            mutator.flush();
            written += pending;
            pending = 0;
            lastFlush = System.currentTimeMillis();
          }
          if (stop.await(due - now, TimeUnit.MILLISECONDS)) {
            break;
          }
        }
        mutator.mutate(EventTable.put(e.event(), e.json()));
        pending++;
        now = System.currentTimeMillis();
        if (now - lastFlush >= FLUSH_EVERY_MILLIS) {
          mutator.flush();
          written += pending;
          pending = 0;
          lastFlush = now;
        }
        if (now - lastReport >= progressMs) {
          double perSecond = (written - writtenAtLastReport) * 1000.0 / (now - lastReport);
          log.printf("generator: %,d events written (%.1f events/s)%n", written, perSecond);
          log.flush();
          lastReport = now;
          writtenAtLastReport = written;
        }
      }
      mutator.flush();
      written += pending;
    }
  }
}
