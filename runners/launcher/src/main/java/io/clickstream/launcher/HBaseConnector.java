package io.clickstream.launcher;

import io.clickstream.core.EventTable;
import io.clickstream.core.HBaseQuorum;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HConstants;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;

/**
 * Connects the commands to HBase, addressed as its ZooKeeper's {@code host:port}: a failure is a
 * {@link UserError} naming the address. (The API's health check of HBase is {@code
 * io.clickstream.api.HBaseHealth}; the pipeline's readers share connections through {@code
 * SharedHBaseConnections}.)
 */
final class HBaseConnector {

  /** How long the first contact with HBase may take before the launcher gives up on it. */
  static final long CONNECT_TIMEOUT_SECONDS = 60;

  private HBaseConnector() {}

  /**
   * Parses {@code host:port} ({@link HBaseQuorum}); a missing or malformed port is the user's
   * error.
   */
  static HBaseQuorum quorum(String zk) {
    try {
      return HBaseQuorum.parse(zk);
    } catch (IllegalArgumentException e) {
      throw new UserError("--hbase-zk: " + e.getMessage());
    }
  }

  /**
   * A plain TCP connect to ZooKeeper first: a wrong address then fails at once with the reason,
   * where the HBase client would retry for its whole timeout.
   */
  static void checkReachable(String zk) {
    HBaseQuorum quorum = quorum(zk);
    // The first host of a quorum is enough to tell a wrong address from a right one.
    String host = quorum.hosts().split(",")[0];
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, quorum.port()), 5_000);
    } catch (UnknownHostException e) {
      throw new UserError("cannot reach HBase at " + zk + ": unknown host " + host);
    } catch (IOException e) {
      throw new UserError(
          "cannot reach HBase at "
              + zk
              + ": "
              + e.getMessage()
              + " (is HBase running? is "
              + zk
              + " its ZooKeeper?)");
    }
  }

  static Configuration configuration(String zk) {
    Configuration conf = quorum(zk).configuration();
    // Fail within about a minute when nothing answers, rather than retrying for many minutes.
    conf.setInt(HConstants.HBASE_CLIENT_RETRIES_NUMBER, 6);
    conf.setInt("zookeeper.recovery.retry", 2);
    return conf;
  }

  /**
   * Connects and makes sure the events table exists. Any failure to reach HBase is a {@link
   * UserError} naming the address, so the user sees one line, not a stack trace.
   */
  static Connection connectAndCreateTable(String zk) {
    Configuration conf = configuration(zk);
    checkReachable(zk);
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "hbase-connect");
              t.setDaemon(true);
              return t;
            });
    Future<Connection> future =
        executor.submit(
            () -> {
              Connection connection = ConnectionFactory.createConnection(conf);
              try (Admin admin = connection.getAdmin()) {
                EventTable.createIfMissing(admin);
              } catch (IOException | RuntimeException e) {
                connection.close();
                throw e;
              }
              return connection;
            });
    try {
      return future.get(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new UserError(
          "cannot reach HBase at "
              + zk
              + ": no answer within "
              + CONNECT_TIMEOUT_SECONDS
              + " s (is it running? is host:port its ZooKeeper?)");
    } catch (ExecutionException e) {
      throw new UserError(
          "cannot reach HBase at " + zk + ": " + Analytics.describe(e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while connecting to HBase at " + zk);
    } finally {
      executor.shutdownNow();
    }
  }
}
