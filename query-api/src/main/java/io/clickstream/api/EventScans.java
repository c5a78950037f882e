package io.clickstream.api;

import io.clickstream.core.Event;
import io.clickstream.core.EventParser;
import io.clickstream.core.EventTable;
import io.clickstream.core.HBaseQuorum;
import io.clickstream.core.ParseResult;
import io.clickstream.core.funnel.FunnelStep;
import io.clickstream.pipeline.io.EventRow;
import io.clickstream.pipeline.io.ReadEventHistoryFromHBase;
import io.clickstream.pipeline.io.RowVersions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.filter.FilterList;
import org.apache.hadoop.hbase.filter.FirstKeyOnlyFilter;
import org.apache.hadoop.hbase.filter.KeyOnlyFilter;

/**
 * The stored events read by plain scans of the events table: one user's history (a prefix scan,
 * {@link EventTable#userPrefix}) and a sample of rows matching a filter. Each row is its first
 * write, as every reader of the table takes it; rows that are not an event are skipped. At most the
 * server's cap of rows are read.
 */
final class EventScans implements AutoCloseable {

  /** One event as the notebook shows it. */
  record Row(long t, String user, String event, String eventId, Map<String, Object> properties) {
    static Row of(Event e) {
      Map<String, Object> properties = new LinkedHashMap<>();
      put(properties, "page", e.page());
      put(properties, "source", e.source());
      put(properties, "partner", e.partner());
      put(properties, "campaign", e.campaign());
      put(properties, "conversion", e.conversion() == null ? null : e.conversion().wireName());
      e.properties().forEach((name, value) -> properties.put("properties." + name, value));
      return new Row(e.timestampMillis(), e.userId(), e.name(), e.eventId(), properties);
    }

    private static void put(Map<String, Object> properties, String name, Object value) {
      if (value != null) {
        properties.put(name, value);
      }
    }
  }

  /**
   * A page of a user's events.
   *
   * @param next the cursor of the next page; null on the last
   */
  record Page(List<Row> rows, String next) {}

  private static final Comparator<Row> IN_TIME =
      Comparator.comparingLong(Row::t).thenComparing(Row::eventId);

  /** Rows a key-only count fetches per round trip. */
  private static final int COUNT_CACHING = 10_000;

  private final String hbaseZk;
  private final long maxRows;
  private Connection connection;

  EventScans(String hbaseZk, long maxRows) {
    this.hbaseZk = hbaseZk;
    this.maxRows = maxRows;
  }

  /**
   * The user's events in {@code [from, to)}, in time order, after the one {@code cursor} names
   * (from the start when null), at most {@code limit}.
   */
  Page timeline(
      String user,
      QueryParams.Range range,
      String cursor,
      int limit,
      HistoryJobs.Progress progress) {
    Row after = cursor == null ? null : fromCursor(cursor);
    List<Row> rows = new ArrayList<>();
    scan(
        new Scan().setRowPrefixFilter(EventTable.userPrefix(user)),
        progress,
        "user",
        event -> {
          Row row = Row.of(event);
          if (inRange(row, range) && (after == null || IN_TIME.compare(row, after) > 0)) {
            rows.add(row);
          }
          return true;
        });
    rows.sort(IN_TIME);
    if (rows.size() <= limit) {
      return new Page(rows, null);
    }
    List<Row> page = List.copyOf(rows.subList(0, limit));
    return new Page(page, toCursor(page.get(limit - 1)));
  }

  /**
   * The first {@code limit} events in {@code [from, to)} that match {@code filter} (its event name
   * too, unless {@code anyName}), in row key order: salted, so spread over users.
   */
  List<Row> sample(
      FunnelStep filter,
      boolean anyName,
      QueryParams.Range range,
      int limit,
      HistoryJobs.Progress progress) {
    List<Row> rows = new ArrayList<>();
    scan(
        new Scan(),
        progress,
        "from",
        event -> {
          Row row = Row.of(event);
          if (inRange(row, range)
              && (anyName || event.name().equals(filter.event()))
              && filter.matchesWhere(event)) {
            rows.add(row);
          }
          return rows.size() < limit;
        });
    return rows;
  }

  /**
   * How many rows have a cell written at or after {@code since} (every row for 0 or less): the rows
   * a history pipeline reading from there reads, counted with a key-only scan of the same time
   * range; the cap's refusal when they are more than it.
   */
  long rowsWrittenSince(long since, HistoryJobs.Progress progress) {
    Scan scan =
        ReadEventHistoryFromHBase.scan(since)
            .setFilter(new FilterList(new FirstKeyOnlyFilter(), new KeyOnlyFilter()))
            .setCaching(COUNT_CACHING);
    long rows = 0;
    try (Table table = connection().getTable(EventTable.NAME);
        ResultScanner scanner = table.getScanner(scan)) {
      for (Result ignored : scanner) {
        rows++;
        if (rows > maxRows) {
          throw HistoryPipelines.tooManyRows(maxRows);
        }
        if (rows % COUNT_CACHING == 0) {
          progress.checkCancelled();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  private interface Visitor {
    /** Takes an event; false to stop the scan. */
    boolean visit(Event event);
  }

  private void scan(Scan scan, HistoryJobs.Progress progress, String field, Visitor visitor) {
    if (hbaseZk == null) {
      throw new BadRequest("kind", "this server reads no HBase: history queries are unavailable");
    }
    long read = 0;
    try (Table table = connection().getTable(EventTable.NAME);
        ResultScanner scanner =
            table.getScanner(
                scan.addColumn(EventTable.FAMILY, EventTable.JSON).readAllVersions())) {
      for (Result result : scanner) {
        read++;
        if (read > maxRows) {
          throw field.equals("user")
              ? new BadRequest(
                  "user",
                  "has more than "
                      + QueryParams.thousands(maxRows)
                      + " stored events, the most one history job reads (the server's limit)")
              : HistoryPipelines.tooManyRows(maxRows);
        }
        if (read % 1_000 == 0) {
          progress.rowsRead(read);
          progress.fraction((result.getRow()[0] & 0xff) / (double) EventTable.SALT_BUCKETS);
          progress.checkCancelled();
        }
        Event event = parse(RowVersions.firstWrite(result));
        if (event != null && !visitor.visit(event)) {
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      progress.rowsRead(read);
    }
  }

  private static Event parse(EventRow row) {
    if (row.notText() != null) {
      return null;
    }
    ParseResult parsed = EventParser.parse(row.json());
    return parsed.isOk() ? parsed.event() : null;
  }

  private static boolean inRange(Row row, QueryParams.Range range) {
    return row.t() >= range.from().toEpochMilli() && row.t() < range.to().toEpochMilli();
  }

  static String toCursor(Row row) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((row.t() + ":" + row.eventId()).getBytes(StandardCharsets.UTF_8));
  }

  private static Row fromCursor(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int colon = text.indexOf(':');
      return new Row(
          Long.parseLong(text.substring(0, colon)),
          null,
          null,
          text.substring(colon + 1),
          Map.of());
    } catch (RuntimeException e) {
      throw new BadRequest("cursor", "not a cursor this API gave: use next_cursor as it came");
    }
  }

  private synchronized Connection connection() throws IOException {
    if (connection == null || connection.isClosed()) {
      connection = ConnectionFactory.createConnection(HBaseQuorum.parse(hbaseZk).configuration());
    }
    return connection;
  }

  @Override
  public synchronized void close() {
    try {
      if (connection != null) {
        connection.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
