package io.clickstream.bench;

import io.clickstream.api.ApiConfig;
import io.clickstream.api.ApiServer;
import io.clickstream.core.EmbeddedHBase;
import io.clickstream.core.EventTable;
import io.clickstream.core.RedisConnections;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.launcher.Runners;
import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.ClickstreamPipeline;
import io.clickstream.pipeline.EventTimeRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.hadoop.hbase.HBaseTestingUtility;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.Protocol;

/**
 * Issue 8's benchmark: the same work by a plain-Java baseline and by the pipeline on each runner,
 * side by side in one JVM, against one HBase mini cluster and one Redis (docs/benchmarks.md).
 *
 * <p>A dataset of about {@code --events} events is written once. The baseline counts it; then each
 * runner starts from an empty Redis and is timed until Redis holds exactly the baseline's
 * aggregates (event counts, funnel results, catalog totals), with its peak heap. With the runner
 * caught up, a background load is written and single events are probed until the JSON API counts
 * them. Prints a Markdown table and writes the figures as JSON to {@code
 * bench/target/benchmark-<time>.json}.
 */
public final class RunnerBenchmark {

  /**
   * The session gap of the run; allowed lateness and out-of-orderness stay at the pipeline's
   * defaults.
   */
  private static final String SESSION_GAP = "PT30M";

  /**
   * A runner's drain may take this long, plus a second per {@link #SLOWEST_EVENTS_PER_SECOND}
   * events.
   */
  private static final Duration DRAIN_ALLOWANCE = Duration.ofMinutes(2);

  private static final int SLOWEST_EVENTS_PER_SECOND = 100;

  /** Background load before the first probe, so that every probe meets a runner under load. */
  private static final Duration LOAD_WARM_UP = Duration.ofSeconds(3);

  private static final String BASELINE = "plain Java (baseline)";

  private final BenchArgs args;
  private final String stamp =
      LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  private final BenchReport report = new BenchReport();
  private final List<FunnelDefinition> funnels = BenchFunnels.definitions();
  private Connection hbase;
  private String zk;
  private String redisUrl;
  private JedisPooled redis;
  private RedisAggregates aggregates;

  private RunnerBenchmark(BenchArgs args) {
    this.args = args;
  }

  public static void main(String[] argv) {
    BenchArgs args;
    try {
      args = BenchArgs.parse(argv);
    } catch (BenchArgs.BadArgument e) {
      System.err.println(e.getMessage());
      System.err.println(BenchArgs.USAGE);
      System.exit(2);
      return;
    }
    if (args == null) {
      System.out.println(BenchArgs.USAGE);
      System.exit(0);
      return;
    }
    try {
      new RunnerBenchmark(args).run();
      System.exit(0);
    } catch (Throwable e) {
      // HBase's threads would keep the JVM alive and its handler would swallow this: report and
      // exit.
      e.printStackTrace();
      System.exit(1);
    }
  }

  private void run() throws Exception {
    report.context("started", Instant.now().toString());
    startServices();
    EventTimeRules settings = EventTimeRules.from(options(BenchArgs.DIRECT));
    Dataset dataset =
        Dataset.write(
            hbase,
            args.events(),
            Duration.ofMillis(
                settings.allowedLateness().getMillis() + settings.outOfOrderness().getMillis()));
    BenchReport.Row baseline = baseline(dataset, settings.sessionGap().getMillis());
    report.add(baseline);
    Map<String, Long> expected = aggregates.read();

    // One API for every runner: it only reads Redis, which each runner starts afresh.
    try (ApiServer api =
        new ApiServer(new ApiConfig("127.0.0.1", 0, redisUrl, zk, "bench-token"))) {
      api.start();
      for (String runner : args.runners()) {
        report.add(measure(runner, dataset, expected, baseline.eventsPerSecond(), api.port()));
      }
    }
    report.printTable();
    Path json = report.writeJson(Path.of(System.getProperty("bench.output", "target")), stamp);
    System.out.println("Figures written to " + json.toAbsolutePath());
  }

  /**
   * The plain-Java baseline, from an empty Redis; leaves its aggregates in Redis, for the runners
   * to match.
   */
  private BenchReport.Row baseline(Dataset dataset, long gapMillis) throws Exception {
    redis.flushAll();
    HeapWatcher heap = HeapWatcher.start();
    long start = System.nanoTime();
    PlainJavaBaseline.Counted counted = new PlainJavaBaseline(funnels, gapMillis).run(hbase, redis);
    double seconds = secondsSince(start);
    HeapWatcher.Peak peak = heap.stop();
    if (counted.events() != dataset.events()) {
      throw new IllegalStateException(
          "the baseline read "
              + counted.events()
              + " distinct events, the dataset has "
              + dataset.events());
    }
    double rate = counted.events() / seconds;
    System.out.printf(
        "%s: %.2f s, %,.0f events/s: %,d events of %,d users in %,d sessions, %,d count fields%n",
        BASELINE,
        seconds,
        rate,
        counted.events(),
        counted.users(),
        counted.sessions(),
        counted.countFields());
    describeRun(dataset, counted);
    return new BenchReport.Row(BASELINE, counted.events(), seconds, rate, 1.0, peak, null);
  }

  /** One runner: drain time and heap from an empty Redis, then freshness under load. */
  private BenchReport.Row measure(
      String runner, Dataset dataset, Map<String, Long> expected, double baselineRate, int apiPort)
      throws Exception {
    System.out.printf("%s: reading the dataset from the start%n", runner);
    // Asynchronously: freeing a million runs' keys takes longer than a client's read timeout.
    redis.sendCommand(Protocol.Command.FLUSHALL, "ASYNC");
    long emptyRedis = RedisFootprint.emptyBytes(redis);
    BenchFunnels.store(redis, funnels);
    HeapWatcher heap = HeapWatcher.start();
    long start = System.nanoTime();
    PipelineResult pipeline = ClickstreamPipeline.run(options(runner));
    try {
      Duration limit = DRAIN_ALLOWANCE.plusSeconds(dataset.events() / SLOWEST_EVENTS_PER_SECOND);
      double drainSeconds;
      HeapWatcher.Peak peak;
      try {
        drainSeconds =
            new Drain(runner, aggregates, expected, dataset.events()).await(start, limit);
      } finally {
        peak = heap.stop();
      }
      double rate = dataset.events() / drainSeconds;
      System.out.printf(
          "%s: caught up in %.2f s, %,.0f events/s, the baseline's aggregates exactly%n",
          runner, drainSeconds, rate);
      RedisFootprint footprint = RedisFootprint.measure(redis, emptyRedis, expected);
      System.out.printf("%s: Redis holds %s%n", runner, footprint);
      report.context("redis after " + runner, footprint);
      BenchReport.Freshness freshness = freshness(runner, apiPort);
      return new BenchReport.Row(
          runner, dataset.events(), drainSeconds, rate, rate / baselineRate, peak, freshness);
    } finally {
      pipeline.cancel();
      Dataset.removeRowsWrittenAfter(hbase, dataset);
    }
  }

  private BenchReport.Freshness freshness(String runner, int apiPort) throws Exception {
    double rate = args.loadRate(runner);
    System.out.printf(
        "%s: %d probes under a load of %,.0f events/s%n", runner, args.probes(), rate);
    LoadWriter load = LoadWriter.start(hbase, rate);
    FreshnessProbe.Result probes;
    try (load) {
      Thread.sleep(LOAD_WARM_UP.toMillis());
      probes =
          new FreshnessProbe(hbase, apiPort, "probe_" + runner + "_" + stamp + "_")
              .run(args.probes());
    }
    BenchReport.Freshness f = BenchReport.Freshness.of(rate, load.achievedRate(), probes);
    System.out.printf(
        "%s: write -> API p50 / p90 / p99 %s ms, %d of %d not visible; load %,.0f events/s%n",
        runner, f.percentiles(), f.notVisible(), f.probes(), f.achievedLoadRate());
    return f;
  }

  private void describeRun(Dataset dataset, PlainJavaBaseline.Counted baseline) {
    report.context(
        "machine",
        Map.of(
            "cores",
            Runtime.getRuntime().availableProcessors(),
            "maxHeapMiB",
            Runtime.getRuntime().maxMemory() >> 20,
            "java",
            System.getProperty("java.version")));
    report.context(
        "dataset",
        Map.of(
            "events",
            dataset.events(),
            "lines",
            dataset.lines(),
            "users",
            dataset.users(),
            "sessions",
            baseline.sessions(),
            "countFields",
            baseline.countFields()));
    report.context(
        "settings",
        Map.of(
            "sessionGap",
            SESSION_GAP,
            "probes",
            args.probes(),
            "loadRates",
            Map.of(
                BenchArgs.DIRECT,
                args.loadRateDirect(),
                BenchArgs.FLINK,
                args.loadRateFlink(),
                BenchArgs.STORM,
                args.loadRateStorm()),
            "funnels",
            funnels.stream().map(FunnelDefinition::id).toList()));
  }

  private ClickstreamOptions options(String runner) {
    return options(runner, zk, redisUrl, 0);
  }

  /**
   * The pipeline's options on {@code runner} against this HBase and Redis, reading cells written
   * from {@code readFromMillis} on.
   */
  static ClickstreamOptions options(
      String runner, String zk, String redisUrl, long readFromMillis) {
    List<String> options =
        new ArrayList<>(
            List.of(
                "--runner=" + runner,
                "--hbaseZk=" + zk,
                "--redisUrl=" + redisUrl,
                "--sessionGap=" + SESSION_GAP,
                "--readFromMillis=" + readFromMillis));
    if (runner.equals(BenchArgs.FLINK)) {
      options.addAll(List.of("--flinkMaster=[local]", "--parallelism=2"));
    }
    ClickstreamOptions parsed =
        PipelineOptionsFactory.fromArgs(options.toArray(String[]::new))
            .as(ClickstreamOptions.class);
    Runners.prepareLive(parsed, options);
    return parsed;
  }

  /** An HBase mini cluster in a temporary directory, with the event table. */
  static HBaseTestingUtility startHBase() throws Exception {
    HBaseTestingUtility util =
        EmbeddedHBase.start(Files.createTempDirectory("clickstream-bench")).util();
    try (Admin admin = util.getConnection().getAdmin()) {
      EventTable.createIfMissing(admin);
    }
    return util;
  }

  private void startServices() throws Exception {
    HBaseTestingUtility util = startHBase();
    hbase = util.getConnection();
    zk = "127.0.0.1:" + util.getZkCluster().getClientPort();
    redisUrl = BenchRedis.startOnAFreePort();
    redis = RedisConnections.pooled(redisUrl);
    aggregates = new RedisAggregates(redis);
  }

  private static double secondsSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
