package io.clickstream.pipeline.testing;

import io.clickstream.core.EventParser;
import io.clickstream.core.EventTable;
import io.clickstream.pipeline.io.EventRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.CellUtil;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;

/** The events table of the shared mini cluster, written and read back as the pipeline sees it. */
public final class EventsTable {

  private EventsTable() {}

  /** Writes valid event lines, as {@code analytics load} does. */
  public static void write(List<String> lines) throws IOException {
    try (BufferedMutator mutator = SharedMiniHBase.connection().getBufferedMutator(EventTable.NAME)) {
      for (String line : lines) {
        mutator.mutate(EventTable.put(EventParser.parse(line).event(), line));
      }
    }
  }

  /** Every row with its latest cell: the oracle's input. */
  public static List<EventRow> scan() throws IOException {
    List<EventRow> rows = new ArrayList<>();
    try (Table table = SharedMiniHBase.connection().getTable(EventTable.NAME);
        ResultScanner scanner = table.getScanner(new Scan().addColumn(EventTable.FAMILY, EventTable.JSON))) {
      for (Result result : scanner) {
        Cell cell = result.getColumnLatestCell(EventTable.FAMILY, EventTable.JSON);
        rows.add(new EventRow(result.getRow(), cell.getTimestamp(),
            new String(CellUtil.cloneValue(cell), StandardCharsets.UTF_8)));
      }
    }
    return rows;
  }
}
