package io.clickstream.pipeline.io;

import io.clickstream.core.EventTable;
import io.clickstream.pipeline.testing.SharedMiniHBase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.beam.sdk.coders.Coder;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;

/**
 * Writes rows to the mini cluster's events table and drives readers, for the tests of this package.
 */
final class EventsTableFixture {

  private EventsTableFixture() {}

  static String json(String userId, String eventId) {
    return "{\"event_id\":\""
        + eventId
        + "\",\"user_id\":\""
        + userId
        + "\",\"type\":\"page_view\"}";
  }

  /**
   * Writes one event row (no client timestamp: the region server stamps it) and returns its key.
   */
  static byte[] write(String userId, String eventId) {
    try (Table table = SharedMiniHBase.connection().getTable(EventTable.NAME)) {
      byte[] key = EventTable.rowKey(userId, eventId);
      table.put(
          new Put(key)
              .addColumn(
                  EventTable.FAMILY,
                  EventTable.JSON,
                  json(userId, eventId).getBytes(StandardCharsets.UTF_8)));
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code n} events of {@code n} users (so they spread over the salt buckets). */
  static List<String> writeMany(String prefix, int n) {
    List<Put> puts = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String user = prefix + "-user-" + i;
      String event = prefix + "-event-" + i;
      byte[] key = EventTable.rowKey(user, event);
      puts.add(
          new Put(key)
              .addColumn(
                  EventTable.FAMILY,
                  EventTable.JSON,
                  json(user, event).getBytes(StandardCharsets.UTF_8)));
      keys.add(EventRow.printable(key));
    }
    try (Table table = SharedMiniHBase.connection().getTable(EventTable.NAME)) {
      table.put(puts);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return keys;
  }

  static ReadEventsFromHBase fastRead() {
    return ReadEventsFromHBase.from(SharedMiniHBase.zkQuorum())
        .withPollInterval(org.joda.time.Duration.millis(50))
        .withReadOverlap(org.joda.time.Duration.millis(500))
        .withOutOfOrderness(org.joda.time.Duration.ZERO);
  }

  /**
   * Calls advance() (after {@code started}, or start() first) until {@code done} holds for the rows
   * read so far, sleeping a little whenever advance() has nothing; fails after {@code
   * timeoutMillis}.
   */
  static List<EventRow> readUntil(
      EventsReader reader, boolean started, Predicate<List<EventRow>> done, long timeoutMillis)
      throws IOException, InterruptedException {
    List<EventRow> rows = new ArrayList<>();
    long deadline = System.currentTimeMillis() + timeoutMillis;
    boolean more = started ? reader.advance() : reader.start();
    while (true) {
      if (more) {
        rows.add(reader.getCurrent());
      }
      if (done.test(rows)) {
        return rows;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(
            "timed out after "
                + timeoutMillis
                + " ms with "
                + rows.size()
                + " rows read by "
                + reader);
      }
      if (!more) {
        Thread.sleep(10);
      }
      more = reader.advance();
    }
  }

  /** Keeps advancing for {@code millis} and returns whatever comes. */
  static List<EventRow> readFor(EventsReader reader, long millis)
      throws IOException, InterruptedException {
    List<EventRow> rows = new ArrayList<>();
    long end = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < end) {
      if (reader.advance()) {
        rows.add(reader.getCurrent());
      } else {
        Thread.sleep(10);
      }
    }
    return rows;
  }

  /** start(), then keeps advancing for {@code millis}; returns every row, including start()'s. */
  static List<EventRow> startAndReadFor(EventsReader reader, long millis)
      throws IOException, InterruptedException {
    List<EventRow> rows = new ArrayList<>();
    if (reader.start()) {
      rows.add(reader.getCurrent());
    }
    rows.addAll(readFor(reader, millis));
    return rows;
  }

  static <T> T roundTrip(Coder<T> coder, T value) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      coder.encode(value, out);
      return coder.decode(new ByteArrayInputStream(out.toByteArray()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> keys(List<EventRow> rows) {
    return rows.stream().map(r -> EventRow.printable(r.rowKey())).toList();
  }
}
