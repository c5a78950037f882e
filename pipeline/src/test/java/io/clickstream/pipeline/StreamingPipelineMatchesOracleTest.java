package io.clickstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.EventParser;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.generator.JourneyGenerator;
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
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * The whole streaming path against real parts: generated journeys written to a mini-cluster HBase,
 * read continuously by the pipeline on the Direct runner, counted into a real Redis. Once the
 * watermark has passed every session, every count in Redis must equal the plain-Java oracle's.
 */
class StreamingPipelineMatchesOracleTest {

  private static final Duration GAP = Duration.ofSeconds(10);
  private static final Duration LATENESS = Duration.ofMinutes(10);
  /** As {@link LivePipelines#options} sets it. */
  private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(1);
  private static final Duration USER_WINDOW = Duration.ofSeconds(20);

  @Test
  void everyRedisCountEqualsTheBatchOracleOnceTheWatermarkHasPassed() throws Exception {
    SharedMiniHBase.resetEventsTable();
    JedisPooled redis = SharedRedis.flushed();
    Instant now = Instant.now();
    List<FunnelDefinition> funnels = new ArrayList<>(List.of(
        LivePipelines.define(redis, "signup", 0, "{\"steps\":[{\"event\":\"page_view\",\"where\":{\"page\":\"/landing\"}},"
            + "{\"event\":\"search\"},{\"event\":\"register\"},{\"event\":\"checkout\"}],"
            + "\"exclude\":[{\"event\":\"page_view\",\"where\":{\"page\":\"/pricing\"},\"after_step\":2,\"before_step\":3}],"
            + "\"breakdown\":[\"source\",\"campaign\"]}"),
        LivePipelines.define(redis, "strict_questionnaire", 0, "{\"order\":\"strict\",\"steps\":[{\"event\":\"search\"},"
            + "{\"event\":\"questionnaire_start\"},{\"event\":\"register\"}],\"breakdown\":[\"partner\"]}"),
        LivePipelines.define(redis, "any_conversion", 0, "{\"order\":\"any\",\"steps\":[{\"event\":\"register\"},"
            + "{\"event\":\"checkout\"},{\"event\":\"search\"}]}"),
        LivePipelines.define(redis, "returning", 0, "{\"scope\":\"user\",\"window\":\"" + USER_WINDOW + "\",\"steps\":["
            + "{\"event\":\"page_view\",\"where\":{\"page\":\"/landing\"}},{\"event\":\"search\"},"
            + "{\"event\":\"register\"}],\"exclude\":[{\"event\":\"checkout\",\"after_step\":2}],"
            + "\"breakdown\":[\"source\"]}")));
    List<String> lines = new JourneyGenerator(42).batch(300, now.minusSeconds(180), Duration.ofSeconds(180));
    int half = lines.size() / 2;

    EventsTable.write(lines.subList(0, half));
    PipelineResult pipeline = startPipeline(now.minusSeconds(200));
    try {
      EventsTable.write(lines.subList(half, lines.size()));
      EventsTable.writeRawText(List.of(
          "{\"event_id\":\"bad-1\",\"user_id\":\"u-bad\"}",
          "not json at all",
          event("future-1", "page_view", now.plus(Duration.ofHours(1)), null),
          event("late-1", "page_view", now.minus(Duration.ofHours(1)), null)));

      // Two sessions of one user, closed, then merged by a late event between them.
      Instant t0 = Instant.now().minusSeconds(30);
      EventsTable.write(List.of(event("m-a", "page_view", t0, "/landing"), event("m-c", "register", t0.plusSeconds(15), null)));
      assertThat(Await.until(Duration.ofSeconds(60), () -> Await.watermark(redis) > t0.plusSeconds(26).toEpochMilli()))
          .as("the watermark passes both sessions").isTrue();
      EventsTable.write(List.of(event("m-b", "search", t0.plusSeconds(8), null)));

      // A funnel defined while the pipeline runs counts the sessions that start from then on.
      FunnelDefinition hot = LivePipelines.define(redis, "hot", System.currentTimeMillis(),
          "{\"steps\":[{\"event\":\"page_view\"},{\"event\":\"search\"}]}");
      funnels.add(hot);
      Instant later = Instant.ofEpochMilli(hot.liveFromMillis()).plusSeconds(1);
      EventsTable.write(List.of(event("h-1", "page_view", later, "/landing"), event("h-2", "search", later.plusSeconds(1), null)));

      List<EventRow> rows = EventsTable.scan();
      long watermarkTarget = rows.stream()
          .map(r -> EventParser.parse(r.json()).event()).filter(e -> e != null)
          .mapToLong(e -> e.timestampMillis()).filter(ts -> ts < now.plusSeconds(300).toEpochMilli())
          .max().orElseThrow() + Math.max(GAP.toMillis(), USER_WINDOW.toMillis()) + 1_000;
      assertThat(Await.until(Duration.ofSeconds(120), () -> Await.watermark(redis) >= watermarkTarget))
          .as("the pipeline watermark passes %s", Instant.ofEpochMilli(watermarkTarget)).isTrue();

      BatchOracle.Expected expected = new BatchOracle(GAP.toMillis(), LATENESS.toMillis(), OUT_OF_ORDERNESS.toMillis())
          .compute(rows, funnels);
      assertThat(expected.counts()).hasSizeGreaterThan(100);
      for (FunnelDefinition f : funnels) {
        assertThat(expected.counts().keySet()).as("results of %s", f.id())
            .anyMatch(k -> k.startsWith(RedisKeys.PREFIX + "fr:" + f.id() + ":"));
      }
      assertThat(expected.invalid() + expected.future() + expected.late()).isEqualTo(4);
      // The watermark is reported by its own branch; the writer's last bundle may land just after.
      Await.until(Duration.ofSeconds(30), () -> RedisCounts.all(redis).equals(expected.counts()));
      assertThat(RedisCounts.all(redis)).isEqualTo(expected.counts());
      assertThat(longs(redis.hgetAll(RedisKeys.CATALOG_FIRST_SEEN))).isEqualTo(expected.firstSeen());
      assertThat(longs(redis.hgetAll(RedisKeys.CATALOG_LAST_SEEN))).isEqualTo(expected.lastSeen());
      assertThat(LivePipelines.deadLettersByKind(redis))
          .isEqualTo(Map.of("invalid", (long) expected.invalid(), "future", (long) expected.future(),
              "late", (long) expected.late()));
    } finally {
      pipeline.cancel();
    }
  }

  private static PipelineResult startPipeline(Instant readFrom) {
    return ClickstreamPipeline.run(LivePipelines.options(
        "--sessionGap=" + GAP,
        "--allowedLateness=" + LATENESS,
        "--readFromMillis=" + readFrom.toEpochMilli()));
  }

  private static String event(String id, String name, Instant ts, String page) {
    String user = id.contains("-") ? id.substring(0, id.indexOf('-')) + "-user" : id;
    return "{\"event_id\":\"" + id + "\",\"user_id\":\"" + user + "\",\"name\":\"" + name + "\",\"ts\":\"" + ts
        + "\"" + (page == null ? "" : ",\"page\":\"" + page + "\"") + "}";
  }

  private static Map<String, Long> longs(Map<String, String> values) {
    Map<String, Long> out = new java.util.TreeMap<>();
    values.forEach((k, v) -> out.put(k, Long.parseLong(v)));
    return out;
  }

}
