package io.clickstream.pipeline.io;

import io.clickstream.core.EventTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.hbase.HConstants;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;

/**
 * One user's rows of the events table: a prefix scan, since a user's rows are contiguous
 * ({@link EventTable#userPrefix}). Rows come out as the live read emits them.
 */
public final class UserRows {

  /** A scan that takes longer fails, so that a slow HBase holds up the pipeline only briefly. */
  private static final int TIMEOUT_MILLIS = 5_000;

  private UserRows() {}

  /**
   * The user's rows written at or after {@code fromWriteTime}, at most {@code maxRows} of them (in
   * row key order, that is by event id, not by time).
   */
  public static List<EventRow> scan(String hbaseZk, String user, long fromWriteTime, int maxRows)
      throws IOException {
    Connection connection = SharedHBaseConnections.acquire(hbaseZk);
    try (Table table = connection.getTableBuilder(EventTable.NAME, null)
            .setOperationTimeout(TIMEOUT_MILLIS).setReadRpcTimeout(TIMEOUT_MILLIS).build();
        ResultScanner scanner = table.getScanner(new Scan()
            .setRowPrefixFilter(EventTable.userPrefix(user))
            .addColumn(EventTable.FAMILY, EventTable.JSON)
            .readVersions(1)
            .setTimeRange(Math.max(0, fromWriteTime), HConstants.LATEST_TIMESTAMP)
            .setLimit(maxRows))) {
      List<EventRow> rows = new ArrayList<>();
      for (Result result : scanner) {
        rows.add(EventRow.of(result.getRow(), result.getColumnLatestCell(EventTable.FAMILY, EventTable.JSON)));
      }
      return rows;
    } finally {
      SharedHBaseConnections.release(hbaseZk, connection);
    }
  }
}
