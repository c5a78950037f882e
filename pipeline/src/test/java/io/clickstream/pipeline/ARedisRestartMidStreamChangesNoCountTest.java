package io.clickstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.EventParser;
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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

/**
 * Redis stopped mid-stream and started again from its append-only file: the pipeline waits for it
 * rather than failing, and once the watermark has passed Redis equals the oracle (issue 9, fault
 * suite). The stop is a clean one (SIGTERM), after which Redis has synced its file: a crash could
 * lose the last second of writes, as docs/pipeline.md says.
 */
class ARedisRestartMidStreamChangesNoCountTest {

  private static final Duration GAP = Duration.ofSeconds(10);
  private static final Duration LATENESS = Duration.ofMinutes(10);
  private static final Duration USER_WINDOW = Duration.ofSeconds(20);

  @TempDir Path redisDir;
  private JedisPooled redis;

  @Test
  void aPipelineWaitsForARestartedRedisAndEndsEqualToTheOracle() throws Exception {
    int port = SharedRedis.freePort();
    RedisServer server =
        RedisServer.builder()
            .port(port)
            .bind("127.0.0.1")
            .setting("dir \"" + redisDir + "\"")
            .setting("save \"\"")
            .setting("appendonly yes")
            .build();
    server.start();
    redis = new JedisPooled("127.0.0.1", port);
    PipelineResult pipeline = null;
    try {
      SharedMiniHBase.resetEventsTable();
      Instant now = Instant.now();
      List<FunnelDefinition> funnels =
          List.of(
              LivePipelines.define(
                  redis,
                  "signup",
                  0,
                  "{\"steps\":[{\"event\":\"page_view\"},{\"event\":\"search\"},"
                      + "{\"event\":\"register\"}],\"breakdown\":[\"source\"]}"),
              LivePipelines.define(
                  redis,
                  "returning",
                  0,
                  "{\"scope\":\"user\",\"window\":\""
                      + USER_WINDOW
                      + "\",\"steps\":[{\"event\":\"page_view\"},{\"event\":\"register\"}]}"));
      List<String> lines =
          new JourneyGenerator(5).batch(300, now.minusSeconds(120), Duration.ofSeconds(150));
      int half = lines.size() / 2;
      EventsTable.write(lines.subList(0, half));
      pipeline =
          ClickstreamPipeline.run(
              LivePipelines.options(
                  "--redisUrl=redis://127.0.0.1:" + port,
                  "--sessionGap=" + GAP,
                  "--allowedLateness=" + LATENESS,
                  "--readFromMillis=" + now.minusSeconds(180).toEpochMilli()));
      assertThat(Await.until(Duration.ofSeconds(90), () -> !RedisCounts.all(redis).isEmpty()))
          .as("the pipeline counts the first half")
          .isTrue();

      redis.close(); // its pooled connections die with the server
      server.stop();
      EventsTable.write(lines.subList(half, lines.size()));
      // Longer than the writer used to retry (5 attempts, about 12 s): every sink finds Redis gone
      // and waits.
      Thread.sleep(15_000);
      assertThat(pipeline.getState())
          .as("the pipeline while Redis is down")
          .isEqualTo(PipelineResult.State.RUNNING);
      server.start();
      redis = new JedisPooled("127.0.0.1", port);

      List<EventRow> rows = EventsTable.scan();
      long watermarkTarget =
          rows.stream()
                  .map(r -> EventParser.parse(r.json()).event())
                  .filter(Objects::nonNull)
                  .mapToLong(e -> e.timestampMillis())
                  .max()
                  .orElseThrow()
              + USER_WINDOW.toMillis()
              + 1_000;
      assertThat(
              Await.until(Duration.ofSeconds(120), () -> Await.watermark(redis) >= watermarkTarget))
          .as("the watermark passes every session after the restart")
          .isTrue();
      BatchOracle.Expected expected =
          new BatchOracle(GAP.toMillis(), LATENESS.toMillis(), 1_000).compute(rows, funnels);
      Await.until(Duration.ofSeconds(30), () -> RedisCounts.all(redis).equals(expected.counts()));
      assertThat(RedisCounts.all(redis)).isEqualTo(expected.counts());
      assertThat(pipeline.getState()).isEqualTo(PipelineResult.State.RUNNING);
    } finally {
      if (pipeline != null) {
        pipeline.cancel();
      }
      redis.close();
      server.stop();
    }
  }
}
