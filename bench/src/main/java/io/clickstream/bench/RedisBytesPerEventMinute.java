package io.clickstream.bench;

import io.clickstream.core.DimensionName;
import io.clickstream.core.Dimensions;
import io.clickstream.core.RedisKeys;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.embedded.RedisServer;

/**
 * What Redis holds for good, measured: the keys the writer leaves once every session has had its
 * final firing (docs/redis-keys.md), written into a real redis-server as the writer writes them
 * (same key names, same expiries), and {@code used_memory} read before and after. Two figures: the
 * event counts of one event name in one minute (the unit the counts grow by), and one user's sealed
 * horizon (the bookkeeping left per user active within the retention).
 *
 * <pre>mvn -B -q -pl bench exec:exec -Dbench.main=io.clickstream.bench.RedisBytesPerEventMinute
 * </pre>
 */
final class RedisBytesPerEventMinute {

  private static final long RETENTION_MILLIS = Duration.ofDays(400).toMillis();
  private static final long FIRST_MINUTE = 29_939_771L;
  private static final int MINUTES = 1_000;
  private static final String[] NAMES = {
    "page_view", "search", "questionnaire_start", "register", "checkout", "promo"
  };
  private static final int USERS = 10_000;

  private RedisBytesPerEventMinute() {}

  public static void main(String[] args) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    RedisServer server =
        RedisServer.builder().port(port).bind("127.0.0.1").setting("save \"\"").build();
    server.start();
    try (Jedis redis = new Jedis("127.0.0.1", port)) {
      for (int values : new int[] {1, 4, 16}) {
        long bytes = measure(redis, () -> writeEventCounts(redis, values));
        System.out.printf(
            "event counts, %d value(s) per dimension: %,d bytes per event-minute%n",
            values, bytes / ((long) MINUTES * NAMES.length));
      }
      for (int funnels : new int[] {0, 4}) {
        long bytes = measure(redis, () -> writeSealedHorizons(redis, funnels));
        System.out.printf(
            "sealed horizon, events and %d funnel(s): %,d bytes per user%n",
            funnels, bytes / USERS);
      }
    } finally {
      server.stop();
    }
  }

  private static long measure(Jedis redis, Runnable write) {
    redis.flushAll();
    long before = usedMemory(redis);
    write.run();
    return usedMemory(redis) - before;
  }

  /** Per event name and minute: the undivided count and one hash per breakdown dimension. */
  private static void writeEventCounts(Jedis redis, int valuesPerDimension) {
    Pipeline batch = redis.pipelined();
    for (int m = 0; m < MINUTES; m++) {
      long minute = FIRST_MINUTE + m;
      long expireAt = (minute + 1) * 60_000 + RETENTION_MILLIS;
      for (String name : NAMES) {
        String metric = RedisKeys.eventMetric(name);
        String all = RedisKeys.counts(metric, RedisKeys.UNDIVIDED, minute);
        batch.hset(all, RedisKeys.FIELD_TOTAL, "37");
        batch.pexpireAt(all, expireAt);
        for (DimensionName d : Dimensions.DEFAULT.names()) {
          String key = RedisKeys.counts(metric, d.keyPart(), minute);
          for (int v = 0; v < valuesPerDimension; v++) {
            batch.hset(key, "value_" + v, "9");
          }
          batch.pexpireAt(key, expireAt);
        }
      }
    }
    batch.sync();
  }

  private static void writeSealedHorizons(Jedis redis, int funnels) {
    Pipeline batch = redis.pipelined();
    for (int u = 0; u < USERS; u++) {
      String key = RedisKeys.userSealed("user-" + (100_000 + u));
      Map<String, String> horizons = new HashMap<>();
      horizons.put(RedisKeys.NAMESPACE_EVENTS, "1796386313526");
      for (int f = 1; f <= funnels; f++) {
        horizons.put(RedisKeys.funnelNamespace("funnel_" + f, 1), "1796386313526");
      }
      batch.hset(key, horizons);
      batch.pexpire(key, RETENTION_MILLIS);
    }
    batch.sync();
  }

  private static long usedMemory(Jedis redis) {
    for (String line : redis.info("memory").split("\r?\n")) {
      if (line.startsWith("used_memory:")) {
        return Long.parseLong(line.substring("used_memory:".length()).trim());
      }
    }
    throw new IllegalStateException("INFO memory has no used_memory line");
  }
}
