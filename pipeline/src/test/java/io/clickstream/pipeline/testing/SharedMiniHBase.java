package io.clickstream.pipeline.testing;

import io.clickstream.core.EmbeddedHBase;
import io.clickstream.core.EventTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.hadoop.hbase.HBaseTestingUtility;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;

/**
 * One HBase mini cluster per test JVM ({@link EmbeddedHBase}: ZooKeeper + master + one region
 * server, on the local file system, no HDFS), started on first use (~7 s) and stopped by a JVM
 * shutdown hook. Every test class of the JVM shares it: tests call {@link #resetEventsTable()} to
 * start from an empty {@code events} table. Everything listens on the loopback interface.
 */
public final class SharedMiniHBase {

  private static EmbeddedHBase hbase;
  private static Connection connection;

  private SharedMiniHBase() {}

  private static synchronized HBaseTestingUtility util() {
    if (hbase == null) {
      hbase = start();
    }
    return hbase.util();
  }

  private static EmbeddedHBase start() {
    // Under target/test-data, HBaseTestingUtility's own default, in a directory of its own.
    Path dataDir =
        Paths.get(System.getProperty(EmbeddedHBase.DATA_DIR_PROPERTY, "target/test-data"));
    long t0 = System.nanoTime();
    EmbeddedHBase started;
    try {
      started =
          EmbeddedHBase.start(
              dataDir,
              null,
              0,
              conf -> {
                // Small machine: few handler threads.
                conf.setInt("hbase.regionserver.handler.count", 10);
                conf.setInt("hbase.master.handler.count", 5);
                // The test-side admin polls procedures (table create/delete) with this pause: keep
                // resets quick.
                conf.setInt("hbase.client.pause", 20);
              });
    } catch (Exception e) {
      throw new IllegalStateException("could not start the HBase mini cluster", e);
    }
    System.out.printf(
        "SharedMiniHBase: mini cluster up in %d ms at %s%n",
        (System.nanoTime() - t0) / 1_000_000, started.zk());
    Runtime.getRuntime()
        .addShutdownHook(new Thread(SharedMiniHBase::stop, "SharedMiniHBase-shutdown"));
    return started;
  }

  private static synchronized void stop() {
    try {
      if (connection != null) {
        connection.close();
        connection = null;
      }
      if (hbase != null) {
        hbase.close();
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("SharedMiniHBase: shutdown failed: " + e);
    }
  }

  /**
   * The ZooKeeper quorum of the mini cluster, "127.0.0.1:port" (what the pipeline takes as
   * hbaseZk).
   */
  public static String zkQuorum() {
    util();
    return hbase.zk();
  }

  /** A connection shared by the tests of this JVM; do not close it. */
  public static synchronized Connection connection() {
    if (connection == null || connection.isClosed()) {
      try {
        connection = util().getConnection();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return connection;
  }

  /**
   * Drops and re-creates the {@code events} table with {@link EventTable#createIfMissing}
   * (pre-split on salt buckets). Afterwards the table exists, is enabled and holds no rows.
   */
  public static synchronized void resetEventsTable() {
    Connection c = connection();
    long t0 = System.nanoTime();
    try (Admin admin = c.getAdmin()) {
      if (admin.tableExists(EventTable.NAME)) {
        if (admin.isTableEnabled(EventTable.NAME)) {
          admin.disableTable(EventTable.NAME);
        }
        admin.deleteTable(EventTable.NAME);
      }
      EventTable.createIfMissing(admin);
      util().waitTableAvailable(EventTable.NAME, 60_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    System.out.printf(
        "SharedMiniHBase: events table reset in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
  }

  /** Drops the {@code events} table if it exists (for tests of a missing table). */
  public static synchronized void dropEventsTable() {
    try (Admin admin = connection().getAdmin()) {
      if (admin.tableExists(EventTable.NAME)) {
        if (admin.isTableEnabled(EventTable.NAME)) {
          admin.disableTable(EventTable.NAME);
        }
        admin.deleteTable(EventTable.NAME);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
