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
 * One user's rows of the events table: a prefix scan, since a user's rows are contiguous ({@link
 * EventTable#userPrefix}). Rows come out as the live read emits them.
 */
public final class UserRows {

  /** A scan that takes longer fails, so that a slow HBase holds up the pipeline only briefly. */
  private static final int TIMEOUT_MILLIS = 5_000;

  private UserRows() {}

  /**
   * The user's rows first written at or after {@code fromWriteTime}, as their first writes, at most
   * {@code maxRows} of them (in row key order, that is by event id, not by time). A row written
   * before and rewritten since is left out: its event is older, and the rewrite is no event.
   */
  public static List<EventRow> scan(String hbaseZk, String user, long fromWriteTime, int maxRows)
      throws IOException {
    Connection connection = SharedHBaseConnections.acquire(hbaseZk);
    try (Table table =
            connection
                .getTableBuilder(EventTable.NAME, null)
                .setOperationTimeout(TIMEOUT_MILLIS)
                .setReadRpcTimeout(TIMEOUT_MILLIS)
                .build();
        ResultScanner scanner =
            table.getScanner(
                new Scan()
                    .setRowPrefixFilter(EventTable.userPrefix(user))
                    .addColumn(EventTable.FAMILY, EventTable.JSON)
                    .readAllVersions()
                    .setTimeRange(Math.max(0, fromWriteTime), HConstants.LATEST_TIMESTAMP)
                    .setLimit(maxRows))) {
      List<Result> results = new ArrayList<>();
      scanner.forEach(results::add);
      boolean[] writtenBefore =
          RowVersions.writtenBefore(
              table, results.stream().map(Result::getRow).toList(), fromWriteTime);
      List<EventRow> rows = new ArrayList<>();
      for (int i = 0; i < results.size(); i++) {
        if (!writtenBefore[i]) {
          rows.add(RowVersions.firstWrite(results.get(i)));
        }
      }
      return rows;
    } finally {
      SharedHBaseConnections.release(hbaseZk, connection);
    }
  }
}
