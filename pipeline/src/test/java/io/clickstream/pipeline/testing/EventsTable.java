package io.clickstream.pipeline.testing;

import io.clickstream.core.Event;
import io.clickstream.core.EventParser;
import io.clickstream.core.EventTable;
import io.clickstream.core.generator.GeneratedEvent;
import io.clickstream.pipeline.io.EventRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;

/** The events table of the shared mini cluster, written and read back as the pipeline sees it. */
public final class EventsTable {

  private EventsTable() {}

  /**
   * Writes valid event lines with plain puts, as a producer using the HBase client would: a line
   * sent again becomes a second version of its row, a rewrite (unless HBase stamps both in one
   * millisecond).
   */
  public static void write(List<String> lines) throws IOException {
    try (BufferedMutator mutator =
        SharedMiniHBase.connection().getBufferedMutator(EventTable.NAME)) {
      for (String line : lines) {
        mutator.mutate(EventTable.put(EventParser.parse(line).event(), line));
      }
    }
  }

  /**
   * Writes valid event lines as if each had been written {@code after} its event time, as a live
   * application would have: the way to make history that is not late.
   */
  public static void writeAsIfLive(List<String> lines, Duration after) throws IOException {
    try (BufferedMutator mutator =
        SharedMiniHBase.connection().getBufferedMutator(EventTable.NAME)) {
      for (String line : lines) {
        Event e = EventParser.parse(line).event();
        mutator.mutate(
            new Put(
                    EventTable.rowKey(e.userId(), e.eventId()),
                    e.timestampMillis() + after.toMillis())
                .addColumn(
                    EventTable.FAMILY, EventTable.JSON, line.getBytes(StandardCharsets.UTF_8)));
      }
    }
  }

  /**
   * Writes one line as its row's cell written at {@code writtenAt}: a row's first write, or its
   * rewrite when the row is there already.
   */
  public static void writeAt(String line, java.time.Instant writtenAt) throws IOException {
    Event e = EventParser.parse(line).event();
    try (Table table = SharedMiniHBase.connection().getTable(EventTable.NAME)) {
      table.put(
          new Put(EventTable.rowKey(e.userId(), e.eventId()), writtenAt.toEpochMilli())
              .addColumn(
                  EventTable.FAMILY, EventTable.JSON, line.getBytes(StandardCharsets.UTF_8)));
    }
  }

  /**
   * Writes each event's line with its {@link GeneratedEvent#writeAt} as the cell's write time: the
   * same rows with the same cell timestamps on every run (what a reader's checkpoint position, a
   * write time, refers to). A line given twice becomes two versions of its row.
   */
  public static void writeAtTheirWriteTimes(List<GeneratedEvent> events) throws IOException {
    try (BufferedMutator mutator =
        SharedMiniHBase.connection().getBufferedMutator(EventTable.NAME)) {
      for (GeneratedEvent g : events) {
        Event e = EventParser.parse(g.json()).event();
        mutator.mutate(
            new Put(EventTable.rowKey(e.userId(), e.eventId()), g.writeAt().toEpochMilli())
                .addColumn(
                    EventTable.FAMILY, EventTable.JSON, g.json().getBytes(StandardCharsets.UTF_8)));
      }
    }
  }

  /**
   * Writes rows as a careless application might: whatever bytes, under row keys of the user {@code
   * raw-writer}, bypassing the parser that {@link #write} and {@code analytics load} apply.
   */
  public static void writeRaw(List<byte[]> values) throws IOException {
    try (Table table = SharedMiniHBase.connection().getTable(EventTable.NAME)) {
      int i = 0;
      for (byte[] value : values) {
        table.put(
            new Put(EventTable.rowKey("raw-writer", "row-" + i++))
                .addColumn(EventTable.FAMILY, EventTable.JSON, value));
      }
    }
  }

  /** {@link #writeRaw} of text rows. */
  public static void writeRawText(List<String> jsons) throws IOException {
    writeRaw(jsons.stream().map(json -> json.getBytes(StandardCharsets.UTF_8)).toList());
  }

  /** Every cell of every row, every version of it: the oracle's input. */
  public static List<EventRow> scan() throws IOException {
    List<EventRow> cells = new ArrayList<>();
    try (Table table = SharedMiniHBase.connection().getTable(EventTable.NAME);
        ResultScanner scanner =
            table.getScanner(
                new Scan().addColumn(EventTable.FAMILY, EventTable.JSON).readAllVersions())) {
      for (Result result : scanner) {
        for (Cell cell : result.getColumnCells(EventTable.FAMILY, EventTable.JSON)) {
          cells.add(EventRow.of(result.getRow(), cell));
        }
      }
    }
    return cells;
  }
}
