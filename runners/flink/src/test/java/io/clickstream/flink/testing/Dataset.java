package io.clickstream.flink.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.EventParser;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import io.clickstream.core.generator.GeneratedEvent;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.ClickstreamPipeline;
import io.clickstream.pipeline.io.EventRow;
import io.clickstream.pipeline.oracle.BatchOracle;
import io.clickstream.pipeline.testing.Await;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.LivePipelines;
import io.clickstream.pipeline.testing.RedisCounts;
import io.clickstream.pipeline.testing.SharedMiniHBase;
import io.clickstream.pipeline.testing.SharedRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import redis.clients.jedis.JedisPooled;

/**
 * The data every Flink test feeds the pipeline: generated journeys (out of order, duplicates, new
 * event names, returning users) in an empty events table, funnels of every kind defined in an empty
 * Redis, and what the plain-Java {@link BatchOracle} expects of them once the watermark has passed.
 */
public final class Dataset {

  public static final Duration GAP = Duration.ofSeconds(10);
  public static final Duration LATENESS = Duration.ofMinutes(10);
  public static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(1);
  public static final Duration USER_WINDOW = Duration.ofSeconds(20);

  public final Instant now = Instant.now();
  public final JedisPooled redis;

  /**
   * The generated lines in write order, each with the moment it is due ({@link
   * GeneratedEvent#writeAt}).
   */
  public final List<GeneratedEvent> events;

  public final List<String> lines;
  public final List<FunnelDefinition> funnels = new ArrayList<>();

  /**
   * Resets HBase's table and Redis, defines the funnels and generates (does not write) the events.
   */
  public Dataset(long seed, int users) {
    this(seed, users, Instant.now().minusSeconds(180), Duration.ofSeconds(180));
  }

  /**
   * As {@link #Dataset(long, int)}, with events in {@code [from, from + span]} (due a few seconds
   * later).
   */
  public Dataset(long seed, int users, Instant from, Duration span) {
    this(new JourneyGenerator(seed).batchEvents(users, from, span));
  }

  /**
   * Resets HBase's table and Redis, defines the funnels, and takes {@code events} (in write order)
   * as the data: generated elsewhere, or read back from a fixture.
   */
  public Dataset(List<GeneratedEvent> events) {
    SharedMiniHBase.resetEventsTable();
    redis = SharedRedis.flushed();
    funnels.add(
        define(
            "signup",
            "{\"steps\":[{\"event\":\"page_view\",\"where\":{\"page\":\"/landing\"}},"
                + "{\"event\":\"search\"},{\"event\":\"register\"},{\"event\":\"checkout\"}],"
                + "\"breakdown\":[\"source\",\"campaign\",\"properties.ad_content\"]}"));
    funnels.add(
        define(
            "strict_questionnaire",
            "{\"order\":\"strict\",\"steps\":[{\"event\":\"search\"},"
                + "{\"event\":\"questionnaire_start\"},{\"event\":\"register\"}],\"breakdown\":[\"partner\"]}"));
    funnels.add(
        define(
            "returning",
            "{\"scope\":\"user\",\"window\":\""
                + USER_WINDOW
                + "\",\"steps\":["
                + "{\"event\":\"page_view\",\"where\":{\"page\":\"/landing\"}},{\"event\":\"search\"},"
                + "{\"event\":\"register\"}],\"breakdown\":[\"source\"]}"));
    this.events = List.copyOf(events);
    lines = events.stream().map(GeneratedEvent::json).toList();
  }

  /**
   * How many users give about {@code lines} lines over {@code span}, judged by a sample of a
   * thousand.
   */
  public static int usersFor(long seed, int lines, Duration span) {
    int sample = 1_000;
    int sampleLines = new JourneyGenerator(seed).batch(sample, Instant.now(), span).size();
    return Math.max(1, (int) ((long) lines * sample / sampleLines));
  }

  /** Empties Redis and defines the funnels again, for another run over the same rows. */
  public void resetRedis() {
    redis.flushAll();
    funnels.forEach(f -> redis.hset(RedisKeys.FUNNELS, f.id(), FunnelDefinitions.toJson(f)));
  }

  /** Where the pipeline should start reading (write time): a little before anything is written. */
  public Instant readFrom() {
    return now.minusSeconds(200);
  }

  /** The Clickstream options every test passes, with the given HBase and Redis. */
  public List<String> pipelineArgs() {
    List<String> args =
        new ArrayList<>(
            List.of("--hbaseZk=" + SharedMiniHBase.zkQuorum(), "--redisUrl=" + SharedRedis.url()));
    args.addAll(sessionArgs());
    args.add("--readFromMillis=" + readFrom().toEpochMilli());
    return args;
  }

  /**
   * {@link #pipelineArgs} without a start position: a job restarted with them resumes from the read
   * position recorded in Redis.
   */
  public List<String> restartArgs() {
    return new ArrayList<>(
        pipelineArgs().stream().filter(a -> !a.startsWith("--readFromMillis=")).toList());
  }

  /** The options of a job in this JVM: {@link #pipelineArgs} and then {@code more}. */
  public ClickstreamOptions options(String... more) {
    List<String> args = new ArrayList<>(pipelineArgs());
    args.addAll(List.of(more));
    return options(args);
  }

  /** Options parsed and checked as the launcher parses them. */
  public static ClickstreamOptions options(List<String> args) {
    PipelineOptionsFactory.register(ClickstreamOptions.class);
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
        .withValidation()
        .as(ClickstreamOptions.class);
  }

  /**
   * The dataset counted by the Direct runner, written half before and half after its start and
   * checked against the oracle: Redis's counts then, Redis emptied after them for another runner.
   */
  public Map<String, Long> countedOnDirect() throws Exception {
    EventsTable.write(firstHalf());
    PipelineResult direct =
        ClickstreamPipeline.run(options("--runner=DirectRunner", "--blockOnRun=false"));
    try {
      EventsTable.write(secondHalf());
      awaitWatermarkAndAssertRedisEqualsOracle(Duration.ofSeconds(180));
      return RedisCounts.all(redis);
    } finally {
      direct.cancel();
      resetRedis();
    }
  }

  /**
   * The session settings and dimensions ({@link LivePipelines#DIMENSIONS}) the oracle is computed
   * with, and how often the pipeline polls HBase.
   */
  public static List<String> sessionArgs() {
    return List.of(
        LivePipelines.DIMENSIONS_ARG,
        "--sessionGap=" + GAP,
        "--allowedLateness=" + LATENESS,
        "--outOfOrderness=" + OUT_OF_ORDERNESS,
        "--pollIntervalMillis=100");
  }

  /** Part {@code i} (from 0) of the lines cut into {@code n} consecutive parts. */
  public List<String> part(int i, int n) {
    return lines.subList(lines.size() * i / n, lines.size() * (i + 1) / n);
  }

  public List<String> firstHalf() {
    return lines.subList(0, lines.size() / 2);
  }

  public List<String> secondHalf() {
    return lines.subList(lines.size() / 2, lines.size());
  }

  private FunnelDefinition define(String id, String json) {
    FunnelDefinition f = FunnelDefinitions.parse(json, id).withVersion(1, 0);
    redis.hset(RedisKeys.FUNNELS, id, FunnelDefinitions.toJson(f));
    return f;
  }

  /**
   * Waits (bounded) until the watermark the pipeline reports passes every session of what is in
   * HBase, then asserts that every count, the catalog and the dead letters in Redis equal the
   * oracle's.
   */
  public void awaitWatermarkAndAssertRedisEqualsOracle(Duration timeout) throws Exception {
    awaitWatermarkAndAssertRedisEqualsOracle(timeout, Long.MIN_VALUE);
  }

  /**
   * As {@link #awaitWatermarkAndAssertRedisEqualsOracle(Duration)}, for a job restored into a fresh
   * Redis by a savepoint whose readers had passed every cell written before {@code
   * readBeforeMillis}: those cells' dead letters went to the Redis of the run that took the
   * savepoint (dead letters are written as rows are read; counts come from sessions, in the state),
   * so only the dead letters of later cells are expected. A cell's verdict depends only on its
   * row's earlier cells, so those of the cells before are the oracle's over them alone.
   */
  public void awaitWatermarkAndAssertRedisEqualsOracle(Duration timeout, long readBeforeMillis)
      throws Exception {
    List<EventRow> rows = EventsTable.scan();
    assertThat(rows).as("rows in HBase").hasSizeGreaterThan(lines.size() / 2);
    long target =
        rows.stream()
                .map(r -> EventParser.parse(r.json()).event())
                .filter(e -> e != null)
                .mapToLong(e -> e.timestampMillis())
                .max()
                .orElseThrow()
            + Math.max(GAP.toMillis(), USER_WINDOW.toMillis())
            + 1_000;
    long t0 = System.nanoTime();
    boolean passed = Await.until(timeout, () -> Await.watermark(redis) >= target);
    assertThat(passed)
        .as(
            "within %s the pipeline's watermark (Redis %s %s) passes %s; it is at %s",
            timeout,
            RedisKeys.PIPELINE_STATUS,
            RedisKeys.STATUS_WATERMARK_MS,
            Instant.ofEpochMilli(target),
            Await.watermark(redis) == Long.MIN_VALUE
                ? "none reported"
                : Instant.ofEpochMilli(Await.watermark(redis)))
        .isTrue();
    System.out.printf(
        "watermark passed every session %d ms after the wait began%n",
        (System.nanoTime() - t0) / 1_000_000);

    BatchOracle.Expected expected = oracle().compute(rows, funnels);
    assertThat(expected.counts()).hasSizeGreaterThan(100);
    LivePipelines.assertCountsByEveryAdContent(expected.counts());
    for (FunnelDefinition f : funnels) {
      assertThat(expected.counts().keySet())
          .as("results of %s", f.id())
          .anyMatch(k -> k.startsWith(RedisKeys.PREFIX + "fr:" + f.id() + ":"));
    }
    // The watermark is reported by its own branch; the writer's last bundle may land just after.
    Await.until(Duration.ofSeconds(30), () -> RedisCounts.all(redis).equals(expected.counts()));
    assertThat(RedisCounts.all(redis)).isEqualTo(expected.counts());
    assertThat(longs(redis.hgetAll(RedisKeys.CATALOG_FIRST_SEEN))).isEqualTo(expected.firstSeen());
    assertThat(longs(redis.hgetAll(RedisKeys.CATALOG_LAST_SEEN))).isEqualTo(expected.lastSeen());
    Map<String, Long> deadLetters = new TreeMap<>(expected.deadLetters());
    List<EventRow> readBefore =
        rows.stream().filter(r -> r.writeTimeMillis() < readBeforeMillis).toList();
    if (!readBefore.isEmpty()) {
      oracle()
          .compute(readBefore, funnels)
          .deadLetters()
          .forEach((kind, n) -> deadLetters.merge(kind, -n, Long::sum));
      deadLetters.values().removeIf(n -> n == 0);
    }
    assertThat(new TreeMap<>(LivePipelines.deadLettersByKind(redis)))
        .as("dead letters")
        .isEqualTo(deadLetters);
    System.out.printf(
        "Redis equals the oracle: %d counts over %d rows%n", expected.counts().size(), rows.size());
  }

  /** The oracle with the settings and dimensions the pipeline runs with ({@link #sessionArgs}). */
  public static BatchOracle oracle() {
    return new BatchOracle(GAP.toMillis(), LATENESS.toMillis(), OUT_OF_ORDERNESS.toMillis())
        .withDimensions(LivePipelines.DIMENSIONS);
  }

  private static Map<String, Long> longs(Map<String, String> values) {
    Map<String, Long> out = new TreeMap<>();
    values.forEach((k, v) -> out.put(k, Long.parseLong(v)));
    return out;
  }
}
