package io.clickstream.pipeline.io;

import io.clickstream.core.EventTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.Table;
import org.joda.time.Instant;

/**
 * Drops the rows of a time-ranged scan that have a cell written before the range: their first write
 * is outside it, so what the scan shows of them is rewrites. One batched existence check per {@link
 * #BATCH} rows ({@link RowVersions#writtenBefore}), as the live read does.
 */
final class DropRowsWrittenBeforeFn extends DoFn<Result, Result> {

  static final int BATCH = 500;

  private final String hbaseZk;
  private final long before;
  private final Counter dropped =
      Metrics.counter(ReadEventHistoryFromHBase.class, "rows_first_written_before_the_range");

  private transient Connection connection;
  private transient List<Pending> pending;

  private record Pending(Result row, Instant timestamp, BoundedWindow window) {}

  DropRowsWrittenBeforeFn(String hbaseZk, long before) {
    this.hbaseZk = hbaseZk;
    this.before = before;
  }

  @Setup
  public void setup() throws IOException {
    connection = SharedHBaseConnections.acquire(hbaseZk);
  }

  @StartBundle
  public void startBundle() {
    pending = new ArrayList<>();
  }

  @ProcessElement
  public void process(
      @Element Result row, @Timestamp Instant timestamp, BoundedWindow window, ProcessContext c)
      throws IOException {
    pending.add(new Pending(row, timestamp, window));
    if (pending.size() >= BATCH) {
      for (Pending p : kept()) {
        c.outputWithTimestamp(p.row(), p.timestamp());
      }
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) throws IOException {
    for (Pending p : kept()) {
      c.output(p.row(), p.timestamp(), p.window());
    }
  }

  /** The pending rows without a cell before the range; empties the batch. */
  private List<Pending> kept() throws IOException {
    List<byte[]> keys = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      keys.add(p.row().getRow());
    }
    boolean[] older;
    try (Table table = connection.getTable(EventTable.NAME)) {
      older = RowVersions.writtenBefore(table, keys, before);
    }
    List<Pending> kept = new ArrayList<>(pending.size());
    for (int i = 0; i < older.length; i++) {
      if (older[i]) {
        dropped.inc();
      } else {
        kept.add(pending.get(i));
      }
    }
    pending = new ArrayList<>();
    return kept;
  }

  @Teardown
  public void teardown() {
    if (connection != null) {
      SharedHBaseConnections.release(hbaseZk, connection);
      connection = null;
    }
  }
}
