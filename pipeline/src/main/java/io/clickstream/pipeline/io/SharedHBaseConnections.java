package io.clickstream.pipeline.io;

import io.clickstream.core.HBaseQuorum;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HBase connection per ZooKeeper quorum and JVM, shared by every reader. An HBase connection is
 * heavy (ZooKeeper session, meta lookups, thread pools) and thread-safe, and runners open readers
 * often: the Direct runner closes its reader and opens a new one from the checkpoint after about
 * one bundle in twenty, which cost a new connection each time. A connection nobody holds is closed
 * after {@link #IDLE_CLOSE_SECONDS}, so a reader reopened within that time finds it still there.
 */
final class SharedHBaseConnections {

  static final long IDLE_CLOSE_SECONDS = 60;
  private static final Logger LOG = LoggerFactory.getLogger(SharedHBaseConnections.class);

  private static final Map<String, Shared> BY_QUORUM = new HashMap<>();
  private static final ScheduledExecutorService CLOSER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "clickstream-hbase-connection-closer");
            t.setDaemon(true);
            return t;
          });

  private static final class Shared {
    final Connection connection;
    int holders;
    ScheduledFuture<?> pendingClose;

    Shared(Connection connection) {
      this.connection = connection;
    }
  }

  private SharedHBaseConnections() {}

  /** The quorum's connection, opened if needed; give it back with {@link #release}. */
  static synchronized Connection acquire(String hbaseZk) throws IOException {
    Shared shared = BY_QUORUM.get(hbaseZk);
    if (shared == null || shared.connection.isClosed()) {
      shared =
          new Shared(
              ConnectionFactory.createConnection(HBaseQuorum.parse(hbaseZk).configuration()));
      BY_QUORUM.put(hbaseZk, shared);
    }
    if (shared.pendingClose != null) {
      shared.pendingClose.cancel(false);
      shared.pendingClose = null;
    }
    shared.holders++;
    return shared.connection;
  }

  static synchronized void release(String hbaseZk, Connection connection) {
    Shared shared = BY_QUORUM.get(hbaseZk);
    if (shared == null || shared.connection != connection) {
      return;
    }
    if (--shared.holders == 0) {
      shared.pendingClose =
          CLOSER.schedule(() -> closeIfIdle(hbaseZk, shared), IDLE_CLOSE_SECONDS, TimeUnit.SECONDS);
    }
  }

  private static synchronized void closeIfIdle(String hbaseZk, Shared shared) {
    if (shared.holders > 0 || BY_QUORUM.get(hbaseZk) != shared) {
      return;
    }
    BY_QUORUM.remove(hbaseZk);
    try {
      shared.connection.close();
    } catch (IOException e) {
      LOG.warn("Closing the idle HBase connection to {} failed", hbaseZk, e);
    }
  }
}
