package io.clickstream.launcher;

import io.clickstream.core.EventTable;
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
import org.apache.hadoop.hbase.HBaseConfiguration;
import org.apache.hadoop.hbase.HConstants;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;

/** Client connections to HBase, addressed as its ZooKeeper's {@code host:port}. */
final class HBaseConnections {

  /** How long the first contact with HBase may take before the launcher gives up on it. */
  static final long CONNECT_TIMEOUT_SECONDS = 60;

  private HBaseConnections() {}

  /** Parses {@code host:port}; a missing or malformed port is the user's error. */
  static String[] hostPort(String zk) {
    int colon = zk.lastIndexOf(':');
    if (colon <= 0 || colon == zk.length() - 1) {
      throw new UserError("--hbase-zk: expected host:port (ZooKeeper of the HBase cluster), got '" + zk + "'");
    }
    String port = zk.substring(colon + 1);
    try {
      int p = Integer.parseInt(port);
      if (p < 1 || p > 65535) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new UserError("--hbase-zk: '" + port + "' is not a port number in '" + zk + "'");
    }
    return new String[] {zk.substring(0, colon), port};
  }

  /**
   * A plain TCP connect to ZooKeeper first: a wrong address then fails at once with the reason, where
   * the HBase client would retry for its whole timeout.
   */
  static void checkReachable(String zk) {
    String[] hp = hostPort(zk);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 5_000);
    } catch (UnknownHostException e) {
      throw new UserError("cannot reach HBase at " + zk + ": unknown host " + hp[0]);
    } catch (IOException e) {
      throw new UserError("cannot reach HBase at " + zk + ": " + e.getMessage()
          + " (is HBase running? is " + zk + " its ZooKeeper?)");
    }
  }

  static Configuration configuration(String zk) {
    String[] hp = hostPort(zk);
    Configuration conf = HBaseConfiguration.create();
    conf.set(HConstants.ZOOKEEPER_QUORUM, hp[0]);
    conf.set(HConstants.ZOOKEEPER_CLIENT_PORT, hp[1]);
    // Fail within about a minute when nothing answers, rather than retrying for many minutes.
    conf.setInt(HConstants.HBASE_CLIENT_RETRIES_NUMBER, 6);
    conf.setInt("zookeeper.recovery.retry", 2);
    return conf;
  }

  /**
   * Connects and makes sure the events table exists. Any failure to reach HBase is a {@link UserError}
   * naming the address, so the user sees one line, not a stack trace.
   */
  static Connection connectAndCreateTable(String zk) {
    Configuration conf = configuration(zk);
    checkReachable(zk);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
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
      throw new UserError("cannot reach HBase at " + zk + ": no answer within " + CONNECT_TIMEOUT_SECONDS
          + " s (is it running? is host:port its ZooKeeper?)");
    } catch (ExecutionException e) {
      throw new UserError("cannot reach HBase at " + zk + ": " + Analytics.describe(e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while connecting to HBase at " + zk);
    } finally {
      executor.shutdownNow();
    }
  }
}
