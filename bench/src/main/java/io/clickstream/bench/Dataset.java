package io.clickstream.bench;

import io.clickstream.core.EventTable;
import io.clickstream.core.generator.GeneratedEvent;
import io.clickstream.core.generator.JourneyGenerator;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.BufferedMutatorParams;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Durability;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.filter.FilterList;
import org.apache.hadoop.hbase.filter.FirstKeyOnlyFilter;
import org.apache.hadoop.hbase.filter.KeyOnlyFilter;

/**
 * The benchmark's events: {@link JourneyGenerator} journeys written once into HBase, which every
 * engine then reads from the start.
 *
 * <p>The pipeline dead-letters an event as late when its cell's write time is more than the allowed
 * lateness plus the out-of-orderness after its event time (ParseEvents.judge), and a dead-lettered
 * event is not counted. Writing a million events takes longer than that margin allows for a dataset
 * generated up front, so it is generated and written in chunks, each timestamped in the {@link
 * #SPAN} before it is generated: every event is written at most {@code SPAN} plus one chunk's write
 * time after its event time, and {@link #write} checks it.
 *
 * @param events distinct events (lines minus re-sent duplicates)
 * @param lines lines written, duplicates included
 * @param users users generated
 * @param writtenUntilMillis when the last line had been written: every later cell is not the
 *     dataset's
 */
record Dataset(long events, long lines, int users, long writtenUntilMillis) {

  /**
   * The generator's event times per chunk: the journeys of the last minutes, as a live site has.
   */
  static final Duration SPAN = Duration.ofMinutes(5);

  private static final long SEED = 2024;
  private static final int CALIBRATION_USERS = 2_000;

  /**
   * About 70,000 events: a few seconds to generate and write, small against the lateness margin.
   */
  private static final int USERS_PER_CHUNK = 20_000;

  private static final long WRITE_BUFFER_BYTES = 8L << 20;
  private static final long PROGRESS_EVERY_NANOS = 3_000_000_000L;

  /**
   * Generates and writes about {@code targetEvents} distinct events.
   *
   * @param lateAfter how long after its event time a cell may be written and still be counted
   */
  static Dataset write(Connection connection, int targetEvents, Duration lateAfter)
      throws IOException {
    int users = usersFor(targetEvents);
    System.out.printf(
        "Dataset: writing about %,d events of %,d users to HBase%n", targetEvents, users);
    long startNanos = System.nanoTime();
    long lastReport = startNanos;
    long lines = 0;
    long duplicates = 0;
    BufferedMutatorParams params =
        new BufferedMutatorParams(EventTable.NAME).writeBufferSize(WRITE_BUFFER_BYTES);
    try (BufferedMutator mutator = connection.getBufferedMutator(params)) {
      for (int chunk = 0, done = 0; done < users; chunk++, done += USERS_PER_CHUNK) {
        Instant generatedAt = Instant.now();
        List<GeneratedEvent> batch =
            new JourneyGenerator(SEED + chunk)
                .batchEvents(
                    Math.min(USERS_PER_CHUNK, users - done), generatedAt.minus(SPAN), SPAN);
        for (GeneratedEvent e : batch) {
          // Test data on a throw-away cluster: no write-ahead log, for a load several times faster.
          mutator.mutate(EventTable.put(e.event(), e.json()).setDurability(Durability.SKIP_WAL));
          duplicates += e.duplicate() ? 1 : 0;
        }
        mutator.flush();
        lines += batch.size();
        checkNotLate(generatedAt.minus(SPAN), lateAfter);
        if (System.nanoTime() - lastReport >= PROGRESS_EVERY_NANOS) {
          lastReport = System.nanoTime();
          double seconds = (lastReport - startNanos) / 1e9;
          System.out.printf("  %,d lines written (%,.0f lines/s)%n", lines, lines / seconds);
        }
      }
    }
    long writtenUntil = System.currentTimeMillis();
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    System.out.printf(
        "Dataset: %,d events (%,d lines, %,d of them re-sent duplicates) of %,d users written in %.1f s"
            + " (%,.0f lines/s)%n",
        lines - duplicates, lines, duplicates, users, seconds, lines / seconds);
    return new Dataset(lines - duplicates, lines, users, writtenUntil);
  }

  /**
   * Deletes every row written after the dataset (a runner's background load and probes): the next
   * runner reads the table from the start and must find exactly the dataset again.
   */
  static void removeRowsWrittenAfter(Connection connection, Dataset dataset) throws IOException {
    Scan scan =
        new Scan()
            .setTimeRange(dataset.writtenUntilMillis() + 1, Long.MAX_VALUE)
            .setFilter(new FilterList(new FirstKeyOnlyFilter(), new KeyOnlyFilter()));
    long removed = 0;
    try (Table table = connection.getTable(EventTable.NAME);
        ResultScanner scanner = table.getScanner(scan);
        BufferedMutator mutator = connection.getBufferedMutator(EventTable.NAME)) {
      for (Result row : scanner) {
        mutator.mutate(new Delete(row.getRow()));
        removed++;
      }
    }
    System.out.printf("  removed the %,d rows written after the dataset%n", removed);
  }

  /** How many users give about {@code targetEvents} distinct events, measured on a small batch. */
  private static int usersFor(int targetEvents) {
    return usersFor(targetEvents, SPAN);
  }

  /**
   * How many users whose journeys lie within a {@code span} give about {@code targetEvents}
   * distinct events (a longer span cuts fewer returning visits short), measured on a small batch.
   */
  static int usersFor(int targetEvents, Duration span) {
    List<GeneratedEvent> sample =
        new JourneyGenerator(SEED).batchEvents(CALIBRATION_USERS, Instant.now().minus(span), span);
    long distinct = sample.stream().filter(e -> !e.duplicate()).count();
    return (int) Math.max(1, Math.round(targetEvents * (double) CALIBRATION_USERS / distinct));
  }

  private static void checkNotLate(Instant earliestEventTime, Duration lateAfter) {
    Duration lag = Duration.between(earliestEventTime, Instant.now());
    if (lag.compareTo(lateAfter) >= 0) {
      throw new IllegalStateException(
          "writing the dataset is too slow: events were written "
              + lag.toSeconds()
              + " s after their event time, and the pipeline dead-letters events written "
              + lateAfter.toSeconds()
              + " s or more late; the baseline would count them, the pipeline would not");
    }
  }
}
