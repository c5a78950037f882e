package io.clickstream.api;

import io.clickstream.core.EventTable;
import io.clickstream.core.HBaseQuorum;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether HBase serves the events table: "up", "down", or "unknown" when no HBase is configured.
 *
 * <p>The HBase client retries for minutes by default, and a health check must answer fast even when
 * HBase is gone: the check runs on its own thread with short client timeouts, a caller waits for it
 * at most {@link #WAIT}, and an answer is reused for {@link #REUSE_FOR} so that a dashboard polling
 * every second does not keep HBase busy. A check still running is waited for again rather than
 * started twice.
 */
final class HBaseHealth implements AutoCloseable {

  static final String UP = "up";
  static final String DOWN = "down";
  static final String UNKNOWN = "unknown";

  private static final Logger LOG = LoggerFactory.getLogger(HBaseHealth.class);
  private static final Duration WAIT = Duration.ofSeconds(2);
  private static final Duration REUSE_FOR = Duration.ofSeconds(2);
  private static final int CLIENT_TIMEOUT_MS = 2000;

  private final Configuration conf;
  private final Clock clock;
  private final ExecutorService worker;

  /**
   * Created on first use and kept: a connection is expensive. Touched only by the worker thread.
   */
  private Connection connection;

  private Future<Boolean> check;
  private String answer;
  private Instant answeredAt = Instant.MIN;

  /**
   * @param zookeeper {@code host:port} of HBase's ZooKeeper, or null for "unknown"
   */
  HBaseHealth(String zookeeper, Clock clock) {
    this.clock = clock;
    if (zookeeper == null) {
      conf = null;
      worker = null;
      return;
    }
    conf = HBaseQuorum.parse(zookeeper).configuration();
    conf.setInt("hbase.client.retries.number", 1);
    conf.setInt("zookeeper.recovery.retry", 0);
    conf.setInt("zookeeper.session.timeout", CLIENT_TIMEOUT_MS);
    conf.setInt("hbase.rpc.timeout", CLIENT_TIMEOUT_MS);
    conf.setInt("hbase.client.operation.timeout", CLIENT_TIMEOUT_MS);
    conf.setInt("hbase.client.meta.operation.timeout", CLIENT_TIMEOUT_MS);
    worker =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "hbase-health");
              thread.setDaemon(true);
              return thread;
            });
  }

  synchronized String status() {
    if (conf == null) {
      return UNKNOWN;
    }
    Instant now = clock.instant();
    if (answeredAt.plus(REUSE_FOR).isAfter(now)) {
      return answer;
    }
    if (check == null || check.isDone()) {
      check = worker.submit(this::eventsTableExists);
    }
    answer = await(check);
    answeredAt = clock.instant();
    return answer;
  }

  private static String await(Future<Boolean> check) {
    try {
      return check.get(WAIT.toMillis(), TimeUnit.MILLISECONDS) ? UP : DOWN;
    } catch (TimeoutException e) {
      LOG.warn("HBase did not answer within {}", WAIT);
      return DOWN;
    } catch (ExecutionException e) {
      LOG.warn("HBase check failed: {}", e.getCause().toString());
      return DOWN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return DOWN;
    }
  }

  private boolean eventsTableExists() throws Exception {
    try {
      if (connection == null) {
        connection = ConnectionFactory.createConnection(conf);
      }
      try (Admin admin = connection.getAdmin()) {
        return admin.tableExists(EventTable.NAME);
      }
    } catch (Exception e) {
      // Start afresh next time rather than trust a connection that just failed.
      closeConnection();
      throw e;
    }
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (Exception e) {
        LOG.debug("closing the HBase connection failed", e);
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    if (worker != null && !worker.isShutdown()) {
      worker.submit(this::closeConnection);
      worker.shutdown();
    }
  }
}
