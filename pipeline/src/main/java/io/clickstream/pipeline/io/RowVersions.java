package io.clickstream.pipeline.io;

import io.clickstream.core.EventTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.Table;

/**
 * The cells of a row's event column, of which the first write is the event and every later one a
 * rewrite (docs/data-model.md, "The rule"). The column family keeps every version, so which cell
 * came first stays known after any number of rewrites, to every reader of the table.
 */
public final class RowVersions {

  private RowVersions() {}

  /**
   * The cells of the event column that {@code result} holds, oldest first (HBase gives newest
   * first).
   */
  public static List<Cell> oldestFirst(Result result) {
    List<Cell> cells = new ArrayList<>(result.getColumnCells(EventTable.FAMILY, EventTable.JSON));
    Collections.reverse(cells);
    return cells;
  }

  /**
   * The event of a row read with every version and no time range (a scan of the event column, so
   * the column is there): its oldest cell. Its rewrites are left out.
   */
  public static EventRow firstWrite(Result result) {
    List<Cell> cells = result.getColumnCells(EventTable.FAMILY, EventTable.JSON);
    return EventRow.of(result.getRow(), cells.get(cells.size() - 1));
  }

  /**
   * For each row, whether it has a cell written before {@code before}: one batched existence check
   * (a request per region server, answered from bloom filters and the block cache for rows that are
   * new).
   */
  public static boolean[] writtenBefore(Table table, List<byte[]> rows, long before)
      throws IOException {
    if (before <= 0 || rows.isEmpty()) {
      return new boolean[rows.size()];
    }
    List<Get> gets = new ArrayList<>(rows.size());
    for (byte[] row : rows) {
      gets.add(new Get(row).addColumn(EventTable.FAMILY, EventTable.JSON).setTimeRange(0, before));
    }
    return table.exists(gets);
  }
}
