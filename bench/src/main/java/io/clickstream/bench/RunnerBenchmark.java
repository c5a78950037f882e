package io.clickstream.bench;

import io.clickstream.core.Event;
import io.clickstream.core.EventJson;
import io.clickstream.core.EventParser;
import io.clickstream.core.EventTable;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.flink.FlinkJobMain;
import io.clickstream.launcher.EmbeddedHBase;
import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.ClickstreamPipeline;
import io.clickstream.pipeline.ComputeSessionContributions;
import io.clickstream.pipeline.SessionContribution;
import io.clickstream.pipeline.SessionContributionStore;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.hadoop.hbase.HBaseTestingUtility;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.Delete;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.embedded.RedisServer;

/**
 * The same work three ways, side by side in one run, against one HBase and one Redis: a plain-Java
 * baseline (scan, parse, sessionize, compute each session's contribution, write it with the same
 * Redis writer), the pipeline on the Direct runner, and the pipeline on embedded Flink. Reports
 * throughput (until Redis holds every count) and the write-to-Redis latency of single events.
 *
 * <p>Usage: {@code RunnerBenchmark [users] [latency probes]}; see docs/benchmarks.md.
 */
public final class RunnerBenchmark {

  private static final Duration GAP = Duration.ofMinutes(30);

  public static void main(String[] args) throws Exception {
    int users = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    int probes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    HBaseTestingUtility hbase = startHBase();
    RedisServer redisServer = null;
    try {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      redisServer = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").build();
      redisServer.start();
      String redisUrl = "redis://127.0.0.1:" + port;
      String zk = "127.0.0.1:" + hbase.getZkCluster().getClientPort();
      JedisPooled redis = new JedisPooled(URI.create(redisUrl));

      List<String> lines = new JourneyGenerator(2024).batch(users, Instant.now().minusSeconds(600), Duration.ofSeconds(600));
      Connection connection = hbase.getConnection();
      write(connection, lines);
      System.out.printf("Dataset: %,d events of %,d users written to HBase%n", lines.size(), users);

      redis.flushAll();
      long t0 = System.nanoTime();
      plainJava(connection, redisUrl);
      double baseline = seconds(t0);
      Map<String, String> expected = counts(redis);
      System.out.printf("plain Java: %.2f s (%d count fields)%n", baseline, expected.size());

      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"plain Java (baseline)", fmt(baseline), rate(lines.size(), baseline), "1.00", "-", "-"});
      for (String runner : List.of("DirectRunner", "FlinkRunner")) {
        redis.flushAll();
        long start = System.nanoTime();
        PipelineResult pipeline = ClickstreamPipeline.run(options(runner, zk, redisUrl));
        try {
          while (!counts(redis).equals(expected)) {
            if (seconds(start) > 900) {
              throw new IllegalStateException(runner + " did not reach the baseline's counts in 15 minutes");
            }
            Thread.sleep(100);
          }
          double took = seconds(start);
          long[] latencies = latencies(connection, redis, probes, runner);
          System.out.printf("%s: %.2f s; latency p50 %d ms, p90 %d ms%n", runner, took, pct(latencies, 50), pct(latencies, 90));
          rows.add(new String[] {runner, fmt(took), rate(lines.size(), took), String.format("%.2f", took / baseline),
              pct(latencies, 50) + " ms", pct(latencies, 90) + " ms"});
        } finally {
          pipeline.cancel();
          removeProbes(connection, probes, runner);
        }
      }
      System.out.println();
      System.out.println("| engine | seconds | events/s | time vs plain Java | write->Redis p50 | p90 |");
      System.out.println("|---|---|---|---|---|---|");
      for (String[] row : rows) {
        System.out.println("| " + String.join(" | ", row) + " |");
      }
      System.exit(0);
    } catch (Throwable e) {
      // HBase's threads would keep the JVM alive and its handler would swallow this: report and exit.
      e.printStackTrace();
      System.exit(1);
    } finally {
      if (redisServer != null) {
        redisServer.stop();
      }
    }
  }

  private static ClickstreamOptions options(String runner, String zk, String redisUrl) {
    List<String> args = new ArrayList<>(List.of("--runner=" + runner, "--hbaseZk=" + zk, "--redisUrl=" + redisUrl,
        "--sessionGap=" + GAP, "--readFromMillis=0"));
    if (runner.equals("FlinkRunner")) {
      args.addAll(List.of("--flinkMaster=[local]", "--parallelism=2"));
    }
    ClickstreamOptions options = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(ClickstreamOptions.class);
    FlinkJobMain.prepareForEmbedding(options);
    return options;
  }

  /** The baseline: what the pipeline does to these rows, in one thread, without Beam. */
  private static void plainJava(Connection connection, String redisUrl) throws Exception {
    Map<String, List<Event>> byUser = new HashMap<>();
    try (Table table = connection.getTable(EventTable.NAME);
        ResultScanner scanner = table.getScanner(new Scan().addColumn(EventTable.FAMILY, EventTable.JSON))) {
      for (Result result : scanner) {
        Event e = EventParser.parse(Bytes.toString(result.getValue(EventTable.FAMILY, EventTable.JSON))).event();
        if (e != null) {
          byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
        }
      }
    }
    List<SessionContribution> batch = new ArrayList<>();
    try (SessionContributionStore store = new SessionContributionStore(redisUrl)) {
      for (Map.Entry<String, List<Event>> user : byUser.entrySet()) {
        List<Event> ordered = ComputeSessionContributions.distinctInOrder(user.getValue());
        int from = 0;
        for (int i = 1; i <= ordered.size(); i++) {
          if (i == ordered.size()
              || ordered.get(i).timestampMillis() - ordered.get(i - 1).timestampMillis() >= GAP.toMillis()) {
            List<Event> session = ordered.subList(from, i);
            batch.add(ComputeSessionContributions.contributionOf(user.getKey(), session.get(0).timestampMillis(),
                session.get(session.size() - 1).timestampMillis() + GAP.toMillis(), false, false, session));
            from = i;
          }
          if (batch.size() >= 500) {
            store.apply(batch);
            batch.clear();
          }
        }
      }
      store.apply(batch);
    }
  }

  /** Write-to-Redis latency of single events, written one at a time while the pipeline runs. */
  private static long[] latencies(Connection connection, JedisPooled redis, int probes, String runner) throws Exception {
    long[] millis = new long[probes];
    for (int i = 0; i < probes; i++) {
      String name = probeName(runner, i);
      Event probe = new Event(name, "probe-user-" + i, name, System.currentTimeMillis(), null, null, null, null, null, Map.of());
      long written = System.nanoTime();
      write(connection, List.of(EventJson.toJson(probe)));
      while (redis.hget(RedisKeys.CATALOG_TOTAL, name) == null) {
        Thread.sleep(5);
      }
      millis[i] = (System.nanoTime() - written) / 1_000_000;
      Thread.sleep(200);
    }
    Arrays.sort(millis);
    return millis;
  }

  /** The next run reads the table from the start: it must find exactly the dataset again. */
  private static void removeProbes(Connection connection, int probes, String runner) throws Exception {
    try (Table table = connection.getTable(EventTable.NAME)) {
      for (int i = 0; i < probes; i++) {
        table.delete(new Delete(EventTable.rowKey("probe-user-" + i, probeName(runner, i))));
      }
    }
  }

  private static String probeName(String runner, int i) {
    return "probe_" + runner + "_" + i;
  }

  private static Map<String, String> counts(JedisPooled redis) {
    Map<String, String> counts = new TreeMap<>();
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = redis.scan(cursor, new ScanParams().match(RedisKeys.PREFIX + "cnt:*").count(1000));
      for (String key : page.getResult()) {
        redis.hgetAll(key).forEach((field, value) -> counts.put(key + "\n" + field, value));
      }
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return counts;
  }

  private static void write(Connection connection, List<String> lines) throws Exception {
    try (BufferedMutator mutator = connection.getBufferedMutator(EventTable.NAME)) {
      for (String line : lines) {
        mutator.mutate(EventTable.put(EventParser.parse(line).event(), line));
      }
    }
  }

  private static HBaseTestingUtility startHBase() throws Exception {
    HBaseTestingUtility util = EmbeddedHBase.start(Files.createTempDirectory("clickstream-bench")).util();
    try (Admin admin = util.getConnection().getAdmin()) {
      EventTable.createIfMissing(admin);
    }
    return util;
  }

  private static long pct(long[] sorted, int percentile) {
    return sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)];
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static String fmt(double seconds) {
    return String.format("%.2f", seconds);
  }

  private static String rate(int events, double seconds) {
    return String.format("%,.0f", events / seconds);
  }
}
