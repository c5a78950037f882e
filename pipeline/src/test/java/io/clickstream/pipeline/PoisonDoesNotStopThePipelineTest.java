package io.clickstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.EventParser;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelFailure;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.pipeline.io.EventRow;
import io.clickstream.pipeline.oracle.BatchOracle;
import io.clickstream.pipeline.testing.Await;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.LivePipelines;
import io.clickstream.pipeline.testing.RedisCounts;
import io.clickstream.pipeline.testing.SharedMiniHBase;
import io.clickstream.pipeline.testing.SharedRedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * No row in HBase and no stored funnel definition can stop the live pipeline: the row becomes a dead
 * letter with a reason, the definition a failed funnel with a reason, and everything else is counted
 * exactly as the oracle counts it.
 */
class PoisonDoesNotStopThePipelineTest {

  private static final Duration GAP = Duration.ofSeconds(10);

  @Test
  void poisonRowsBetweenGoodOnesAreDeadLetteredWithAReasonWhileTheGoodOnesAreCountedExactly() throws Exception {
    SharedMiniHBase.resetEventsTable();
    JedisPooled redis = SharedRedis.flushed();
    Instant now = Instant.now();
    List<String> good = new JourneyGenerator(7).batch(60, now.minusSeconds(120), Duration.ofSeconds(120));
    List<byte[]> poison = poisonRows();

    EventsTable.write(good.subList(0, good.size() / 2));
    EventsTable.writeRaw(poison);
    EventsTable.write(good.subList(good.size() / 2, good.size()));
    PipelineResult pipeline = start(now.minusSeconds(200));
    try {
      List<EventRow> rows = EventsTable.scan();
      awaitWatermarkPast(redis, rows);

      BatchOracle.Expected expected = oracle().compute(rows, List.of());
      assertThat(expected.invalid()).isEqualTo(poison.size());
      Await.until(Duration.ofSeconds(30), () -> RedisCounts.all(redis).equals(expected.counts()));
      assertThat(RedisCounts.all(redis)).isEqualTo(expected.counts());
      List<Map<String, String>> deadLetters = LivePipelines.deadLetters(redis);
      assertThat(deadLetters).hasSize(poison.size());
      assertThat(deadLetters).allSatisfy(d -> {
        assertThat(d.get("kind")).isEqualTo("invalid");
        assertThat(d.get("reason")).isNotBlank().doesNotStartWith("unreadable");
      });
      assertThat(deadLetters).anySatisfy(d -> assertThat(d.get("reason")).contains("ts: ").contains("outside 1970..2100"));
      assertStillRunning(pipeline, redis);
    } finally {
      pipeline.cancel();
    }
  }

  @Test
  void aStoredFunnelThePipelineCannotHonourIsMarkedFailedWhileTheCountsAndOtherFunnelsGoOn() throws Exception {
    SharedMiniHBase.resetEventsTable();
    JedisPooled redis = SharedRedis.flushed();
    // As an earlier API stored it: a window no timer can reach, which stopped the pipeline for good.
    redis.hset(RedisKeys.FUNNELS, "big", "{\"id\":\"big\",\"name\":\"big\",\"steps\":[{\"event\":\"search\"},"
        + "{\"event\":\"register\"}],\"order\":\"sequential\",\"scope\":\"user\",\"window\":\"PT23999999976H\","
        + "\"exclude\":[],\"breakdown\":[],\"version\":1,\"live_from\":0}");
    FunnelDefinition signup = LivePipelines.define(redis, "signup", 0,
        "{\"steps\":[{\"event\":\"page_view\"},{\"event\":\"search\"},{\"event\":\"register\"}],\"breakdown\":[\"source\"]}");
    Instant now = Instant.now();
    EventsTable.write(new JourneyGenerator(11).batch(60, now.minusSeconds(120), Duration.ofSeconds(120)));

    PipelineResult pipeline = start(now.minusSeconds(200));
    try {
      List<EventRow> rows = EventsTable.scan();
      awaitWatermarkPast(redis, rows);

      BatchOracle.Expected expected = oracle().compute(rows, List.of(signup));
      Await.until(Duration.ofSeconds(30), () -> RedisCounts.all(redis).equals(expected.counts()));
      assertThat(RedisCounts.all(redis)).isEqualTo(expected.counts());
      FunnelFailure failure = FunnelFailure.parse(redis.hget(RedisKeys.FUNNEL_FAILURES, "big"));
      assertThat(failure).isNotNull();
      assertThat(failure.version()).isEqualTo(1);
      assertThat(failure.reason()).contains("window: at most 30 days");
      assertThat(redis.hexists(RedisKeys.FUNNEL_FAILURES, "signup")).isFalse();
      assertStillRunning(pipeline, redis);
    } finally {
      pipeline.cancel();
    }
  }

  /** Rows an application could write straight into HBase, each of which the parser must refuse. */
  private static List<byte[]> poisonRows() {
    List<String> texts = new ArrayList<>(List.of(
        "{\"event_id\":\"h1\",\"user_id\":\"u1\",\"name\":\"search\",\"ts\":\"+300000000-01-01T00:00:00Z\"}",
        "{\"event_id\":\"h2\",\"user_id\":\"u1\",\"name\":\"search\",\"ts\":1e300}",
        "{\"event_id\":\"h3\",\"user_id\":\"u1\",\"name\":\"search\",\"ts\":-99999999999999999}",
        "{\"event_id\":\"h4\",\"user_id\":\"u1\",\"name\":\"search\",\"ts\":NaN}",
        "{\"event_id\":\"h5\",\"user_id\":\"u1\",\"name\":\"search\",\"ts\":\"2026-02-30T00:00:00Z\"}",
        "{\"event_id\":\"h6\",\"user_id\":\"u\\ud800\",\"name\":\"search\",\"ts\":1714551330000}",
        "{\"event_id\":\"h7\",\"user_id\":\"u1\",\"name\":\"search\",\"ts\":1714551330000,\"source\":{\"a\":1}}",
        "[".repeat(10_000),
        "{\"event_id\":\"h8\",\"user_id\":\"u1\",\"name\":\"search\",\"ts\":1714551330000,\"page\":\"" + "x".repeat(70_000) + "\"}"));
    List<byte[]> rows = new ArrayList<>(texts.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList());
    rows.add(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '{'});
    return rows;
  }

  private static PipelineResult start(Instant readFrom) {
    return ClickstreamPipeline.run(LivePipelines.options("--sessionGap=" + GAP, "--readFromMillis=" + readFrom.toEpochMilli()));
  }

  private static BatchOracle oracle() {
    return new BatchOracle(GAP.toMillis(), Duration.ofMinutes(10).toMillis(), 1_000);
  }

  private static void awaitWatermarkPast(JedisPooled redis, List<EventRow> rows) throws InterruptedException {
    long target = rows.stream().map(r -> EventParser.parse(r.json()).event()).filter(e -> e != null)
        .mapToLong(e -> e.timestampMillis()).max().orElseThrow() + GAP.toMillis() + 1_000;
    assertThat(Await.until(Duration.ofSeconds(120), () -> Await.watermark(redis) >= target))
        .as("the pipeline watermark passes %s", Instant.ofEpochMilli(target)).isTrue();
  }

  private static void assertStillRunning(PipelineResult pipeline, JedisPooled redis) {
    assertThat(pipeline.getState()).isEqualTo(PipelineResult.State.RUNNING);
    long heartbeat = Long.parseLong(redis.hget(RedisKeys.PIPELINE_STATUS, RedisKeys.STATUS_HEARTBEAT_MS));
    assertThat(System.currentTimeMillis() - heartbeat).isLessThan(10_000);
  }
}
