package io.clickstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.EventParser;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.pipeline.io.EventRow;
import io.clickstream.pipeline.oracle.BatchOracle;
import io.clickstream.pipeline.oracle.CappedCounts;
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
import java.util.Set;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * The whole streaming path against real parts: generated journeys written to a mini-cluster HBase,
 * read continuously by the pipeline on the Direct runner, counted into a real Redis. Once the
 * watermark has passed every session, every count in Redis must equal the plain-Java oracle's; in
 * the first test, with the distinct values per dimension and minute, and the distinct event names,
 * capped ({@link CappedCounts}).
 */
class StreamingPipelineMatchesOracleTest {

  private static final Duration GAP = Duration.ofSeconds(10);
  private static final Duration LATENESS = Duration.ofMinutes(10);

  /** As {@link LivePipelines#options} sets it. */
  private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(1);

  private static final Duration USER_WINDOW = Duration.ofSeconds(20);

  /**
   * Below the generated ad_content values (7 besides a missing one), so that busy minutes exceed
   * it.
   */
  private static final int MAX_DIMENSION_VALUES = 5;

  /**
   * Below the generated event names (5 besides a promo_click_N now and then), so that some are
   * counted as _other_events.
   */
  private static final int MAX_EVENT_NAMES = 6;

  @Test
  void everyRedisCountEqualsTheBatchOracleWithValuesAndEventNamesCappedOnceTheWatermarkHasPassed()
      throws Exception {
    SharedMiniHBase.resetEventsTable();
    JedisPooled redis = SharedRedis.flushed();
    Instant now = Instant.now();
    List<FunnelDefinition> funnels =
        new ArrayList<>(
            List.of(
                LivePipelines.define(
                    redis,
                    "signup",
                    0,
                    "{\"steps\":[{\"event\":\"page_view\",\"where\":{\"page\":\"/landing\"}},"
                        + "{\"event\":\"search\"},{\"event\":\"register\"},{\"event\":\"checkout\"}],"
                        + "\"exclude\":[{\"event\":\"page_view\",\"where\":{\"page\":\"/pricing\"},\"after_step\":2,\"before_step\":3}],"
                        + "\"breakdown\":[\"source\",\"campaign\",\"properties.ad_content\"]}"),
                LivePipelines.define(
                    redis,
                    "strict_questionnaire",
                    0,
                    "{\"order\":\"strict\",\"steps\":[{\"event\":\"search\"},"
                        + "{\"event\":\"questionnaire_start\"},{\"event\":\"register\"}],\"breakdown\":[\"partner\"]}"),
                LivePipelines.define(
                    redis,
                    "any_conversion",
                    0,
                    "{\"order\":\"any\",\"steps\":[{\"event\":\"register\"},"
                        + "{\"event\":\"checkout\"},{\"event\":\"search\"}]}"),
                LivePipelines.define(
                    redis,
                    "returning",
                    0,
                    "{\"scope\":\"user\",\"window\":\""
                        + USER_WINDOW
                        + "\",\"steps\":["
                        + "{\"event\":\"page_view\",\"where\":{\"page\":\"/landing\"}},{\"event\":\"search\"},"
                        + "{\"event\":\"register\"}],\"exclude\":[{\"event\":\"checkout\",\"after_step\":2}],"
                        + "\"breakdown\":[\"source\"]}")));
    List<String> lines =
        new JourneyGenerator(42).batch(300, now.minusSeconds(180), Duration.ofSeconds(180));
    int half = lines.size() / 2;

    EventsTable.write(lines.subList(0, half));
    PipelineResult pipeline =
        startPipeline(
            now.minusSeconds(200),
            "--maxDimensionValues=" + MAX_DIMENSION_VALUES,
            "--maxEventNames=" + MAX_EVENT_NAMES);
    try {
      EventsTable.write(lines.subList(half, lines.size()));
      EventsTable.writeRawText(
          List.of(
              "{\"event_id\":\"bad-1\",\"user_id\":\"u-bad\"}",
              "not json at all",
              event("future-1", "page_view", now.plus(Duration.ofHours(1)), null),
              event("late-1", "page_view", now.minus(Duration.ofHours(1)), null)));

      // Two sessions of one user, closed, then merged by a late event between them.
      Instant t0 = Instant.now().minusSeconds(30);
      EventsTable.write(
          List.of(
              event("m-a", "page_view", t0, "/landing"),
              event("m-c", "register", t0.plusSeconds(15), null)));
      assertThat(
              Await.until(
                  Duration.ofSeconds(60),
                  () -> Await.watermark(redis) > t0.plusSeconds(26).toEpochMilli()))
          .as("the watermark passes both sessions")
          .isTrue();
      EventsTable.write(List.of(event("m-b", "search", t0.plusSeconds(8), null)));

      // A funnel defined while the pipeline runs counts the sessions that start from then on.
      FunnelDefinition hot =
          LivePipelines.define(
              redis,
              "hot",
              System.currentTimeMillis(),
              "{\"steps\":[{\"event\":\"page_view\"},{\"event\":\"search\"}]}");
      funnels.add(hot);
      Instant later = Instant.ofEpochMilli(hot.liveFromMillis()).plusSeconds(1);
      EventsTable.write(
          List.of(
              event("h-1", "page_view", later, "/landing"),
              event("h-2", "search", later.plusSeconds(1), null)));

      List<EventRow> rows = EventsTable.scan();
      long watermarkTarget =
          rows.stream()
                  .map(r -> EventParser.parse(r.json()).event())
                  .filter(e -> e != null)
                  .mapToLong(e -> e.timestampMillis())
                  .filter(ts -> ts < now.plusSeconds(300).toEpochMilli())
                  .max()
                  .orElseThrow()
              + Math.max(GAP.toMillis(), USER_WINDOW.toMillis())
              + 1_000;
      assertThat(
              Await.until(Duration.ofSeconds(120), () -> Await.watermark(redis) >= watermarkTarget))
          .as("the pipeline watermark passes %s", Instant.ofEpochMilli(watermarkTarget))
          .isTrue();

      BatchOracle.Expected expected =
          new BatchOracle(GAP.toMillis(), LATENESS.toMillis(), OUT_OF_ORDERNESS.toMillis())
              .withDimensions(LivePipelines.DIMENSIONS)
              .compute(rows, funnels);
      assertThat(expected.counts()).hasSizeGreaterThan(100);
      LivePipelines.assertCountsByEveryAdContent(expected.counts());
      for (FunnelDefinition f : funnels) {
        assertThat(expected.counts().keySet())
            .as("results of %s", f.id())
            .anyMatch(k -> k.startsWith(RedisKeys.PREFIX + "fr:" + f.id() + ":"));
      }
      assertThat(expected.invalid() + expected.future() + expected.late()).isEqualTo(4);
      assertThat(CappedCounts.hashesOverTheCap(expected.counts(), MAX_DIMENSION_VALUES))
          .as("minutes with more values than the cap")
          .isPositive();
      assertThat(CappedCounts.breakdownsOverTheCap(expected.counts(), MAX_DIMENSION_VALUES))
          .as("minutes of a funnel's results with more breakdown values than the cap")
          .isPositive();
      assertThat(expected.firstSeen()).as("event names").hasSizeGreaterThan(MAX_EVENT_NAMES);
      // The watermark is reported by its own branch; the writer's last bundle may land just after.
      Await.until(
          Duration.ofSeconds(30),
          () ->
              CappedCounts.mismatches(
                      capped(expected, redis).counts(),
                      RedisCounts.withZeros(redis),
                      MAX_DIMENSION_VALUES)
                  .isEmpty());
      assertThat(
              CappedCounts.eventNameMismatches(
                  expected.firstSeen().keySet(),
                  redis.hkeys(RedisKeys.CATALOG_FIRST_SEEN),
                  MAX_EVENT_NAMES))
          .isEmpty();
      BatchOracle.Expected capped = capped(expected, redis);
      assertThat(
              CappedCounts.mismatches(
                  capped.counts(), RedisCounts.withZeros(redis), MAX_DIMENSION_VALUES))
          .isEmpty();
      assertThat(longs(redis.hgetAll(RedisKeys.CATALOG_FIRST_SEEN))).isEqualTo(capped.firstSeen());
      assertThat(longs(redis.hgetAll(RedisKeys.CATALOG_LAST_SEEN))).isEqualTo(capped.lastSeen());
      assertThat(LivePipelines.deadLettersByKind(redis)).isEqualTo(expected.deadLetters());
    } finally {
      pipeline.cancel();
    }
  }

  /**
   * What the oracle expects under the cap on event names, with the names the catalog in Redis
   * admitted: which ones depends on the order they arrived in.
   */
  private static BatchOracle.Expected capped(BatchOracle.Expected expected, JedisPooled redis) {
    Set<String> admitted = redis.hkeys(RedisKeys.CATALOG_FIRST_SEEN);
    admitted.remove(RedisKeys.CATALOG_OTHER_EVENTS);
    return expected.withEventNamesAdmitted(admitted);
  }

  /**
   * Issue 9, finding 3: an attempt under way when its user-scope funnel is defined belongs to the
   * backfill, and its later step-1 event must not start a second one live. One user's attempt was
   * handled by the pipeline while no user-scope funnel existed; another's lies in HBase before the
   * pipeline's read position (as after a restart, or an episode closed before the funnel existed),
   * and the window (30 s) is longer than the session gap, so only HBase still has it.
   */
  @Test
  void anAttemptStartedBeforeItsUserScopeFunnelWasDefinedIsNotCountedTwiceLive() throws Exception {
    SharedMiniHBase.resetEventsTable();
    JedisPooled redis = SharedRedis.flushed();
    EventsTable.write(List.of(event("early-1", "page_view", Instant.now(), null)));
    Thread.sleep(100);
    PipelineResult pipeline = startPipeline(Instant.now());
    try {
      Instant kept = Instant.now();
      EventsTable.write(List.of(event("kept-1", "page_view", kept, null)));
      assertThat(
              Await.until(
                  Duration.ofSeconds(60), () -> Await.watermark(redis) > kept.toEpochMilli()))
          .as("the pipeline has handled kept-1 before the funnel exists")
          .isTrue();
      FunnelDefinition funnel =
          LivePipelines.define(
              redis,
              "returning",
              System.currentTimeMillis(),
              "{\"scope\":\"user\",\"window\":\"PT30S\",\"steps\":[{\"event\":\"page_view\"},"
                  + "{\"event\":\"search\"}]}");
      Thread.sleep(
          RedisFunnelCatalog.REFRESH_MILLIS
              + 500); // the catalog knows it: this test is not about the refresh
      Instant after = Instant.now();
      EventsTable.write(
          List.of(
              event("early-2", "page_view", after, null),
              event("early-3", "search", after.plusMillis(500), null),
              event("kept-2", "page_view", after, null),
              event("kept-3", "search", after.plusMillis(500), null),
              event("fresh-1", "page_view", after, null),
              event("fresh-2", "search", after.plusMillis(500), null)));

      assertThat(
              userFunnelResults(
                  redis, List.of(funnel), after.plusMillis(500).plus(Duration.ofSeconds(30))))
          .containsEntry(
              RedisKeys.funnelResults("returning", 1, after.toEpochMilli() / 60_000)
                  + "\nreached:1",
              1L);
    } finally {
      pipeline.cancel();
    }
  }

  /**
   * Issue 9, finding 3: a funnel's live_from is set when the API stores it, and the pipeline learns
   * it at its next catalog refresh, after events from live_from on may have been handled. Here the
   * definition reaches Redis only once the pipeline has handled such events (a refresh later than
   * usual, to make the race certain): they must be counted, as the oracle counts them.
   */
  @Test
  void eventsHandledBeforeTheCatalogLearnsAUserScopeFunnelAreCounted() throws Exception {
    SharedMiniHBase.resetEventsTable();
    JedisPooled redis = SharedRedis.flushed();
    PipelineResult pipeline = startPipeline(Instant.now());
    try {
      long liveFrom = System.currentTimeMillis();
      Instant first = Instant.now();
      EventsTable.write(
          List.of(
              event("racing-1", "page_view", first, null),
              event("racing-2", "search", first.plusMillis(500), null)));
      assertThat(
              Await.until(
                  Duration.ofSeconds(60),
                  () -> Await.watermark(redis) > first.plusMillis(500).toEpochMilli()))
          .as("the pipeline has handled the first steps before it knows the funnel")
          .isTrue();
      FunnelDefinition funnel =
          LivePipelines.define(
              redis,
              "racing",
              liveFrom,
              "{\"scope\":\"user\",\"window\":\"PT10S\",\"steps\":[{\"event\":\"page_view\"},"
                  + "{\"event\":\"search\"},{\"event\":\"register\"}]}");
      Thread.sleep(RedisFunnelCatalog.REFRESH_MILLIS + 500);
      EventsTable.write(List.of(event("racing-3", "register", first.plusSeconds(1), null)));

      assertThat(userFunnelResults(redis, List.of(funnel), first.plusSeconds(11)))
          .containsEntry(
              RedisKeys.funnelResults("racing", 1, first.toEpochMilli() / 60_000) + "\nreached:3",
              1L);
    } finally {
      pipeline.cancel();
    }
  }

  /**
   * Waits until the watermark has passed {@code end} and the funnel results in Redis equal the
   * oracle's over every row in HBase, and returns them. Only funnel results: rows written before
   * the pipeline's read position are in the oracle's event counts but were never read.
   */
  private static Map<String, Long> userFunnelResults(
      JedisPooled redis, List<FunnelDefinition> funnels, Instant end) throws Exception {
    long target = end.toEpochMilli() + GAP.toMillis() + 1_000;
    assertThat(Await.until(Duration.ofSeconds(120), () -> Await.watermark(redis) >= target))
        .as("the pipeline watermark passes %s", Instant.ofEpochMilli(target))
        .isTrue();
    Map<String, Long> expected =
        funnelResults(
            new BatchOracle(GAP.toMillis(), LATENESS.toMillis(), OUT_OF_ORDERNESS.toMillis())
                .compute(EventsTable.scan(), funnels)
                .counts());
    Await.until(
        Duration.ofSeconds(30), () -> funnelResults(RedisCounts.all(redis)).equals(expected));
    assertThat(funnelResults(RedisCounts.all(redis))).isEqualTo(expected);
    return expected;
  }

  private static Map<String, Long> funnelResults(Map<String, Long> counts) {
    Map<String, Long> results = new java.util.TreeMap<>(counts);
    results.keySet().removeIf(k -> !k.startsWith(RedisKeys.PREFIX + "fr:"));
    return results;
  }

  /**
   * @param extra more options, as {@link LivePipelines#options} takes them
   */
  private static PipelineResult startPipeline(Instant readFrom, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--sessionGap=" + GAP,
                "--allowedLateness=" + LATENESS,
                LivePipelines.DIMENSIONS_ARG,
                "--readFromMillis=" + readFrom.toEpochMilli()));
    args.addAll(List.of(extra));
    return ClickstreamPipeline.run(LivePipelines.options(args.toArray(String[]::new)));
  }

  private static String event(String id, String name, Instant ts, String page) {
    String user = id.contains("-") ? id.substring(0, id.indexOf('-')) + "-user" : id;
    return "{\"event_id\":\""
        + id
        + "\",\"user_id\":\""
        + user
        + "\",\"name\":\""
        + name
        + "\",\"ts\":\""
        + ts
        + "\""
        + (page == null ? "" : ",\"page\":\"" + page + "\"")
        + "}";
  }

  private static Map<String, Long> longs(Map<String, String> values) {
    Map<String, Long> out = new java.util.TreeMap<>();
    values.forEach((k, v) -> out.put(k, Long.parseLong(v)));
    return out;
  }
}
