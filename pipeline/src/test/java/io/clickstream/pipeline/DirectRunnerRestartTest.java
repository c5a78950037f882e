package io.clickstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.EventParser;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.pipeline.oracle.BatchOracle;
import io.clickstream.pipeline.testing.Await;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.LivePipelines;
import io.clickstream.pipeline.testing.RedisCounts;
import io.clickstream.pipeline.testing.SharedMiniHBase;
import io.clickstream.pipeline.testing.SharedRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * The Direct runner keeps no checkpoint across processes: a restarted pipeline resumes from the
 * read position it recorded in Redis, less the replay, and the idempotent writer absorbs what it
 * reads twice. Stopped mid-stream (all Beam state lost) and restarted, it still ends equal to the
 * oracle.
 */
class DirectRunnerRestartTest {

  private static final Duration GAP = Duration.ofSeconds(10);

  @Test
  void aDirectPipelineStoppedMidStreamAndRestartedEndsEqualToTheOracle() throws Exception {
    SharedMiniHBase.resetEventsTable();
    JedisPooled redis = SharedRedis.flushed();
    Instant now = Instant.now();
    List<String> lines =
        new JourneyGenerator(11).batch(200, now.minusSeconds(120), Duration.ofSeconds(120));
    int half = lines.size() / 2;

    EventsTable.write(lines.subList(0, half));
    PipelineResult first = ClickstreamPipeline.run(options());
    long halfWay = now.minusSeconds(60).toEpochMilli();
    assertThat(
            Await.until(
                Duration.ofSeconds(120),
                () ->
                    Await.watermark(redis) > halfWay
                        && !redis.hgetAll(RedisKeys.READ_POSITIONS).isEmpty()))
        .as("the first run gets going")
        .isTrue();
    first.cancel();

    EventsTable.write(lines.subList(half, lines.size()));
    PipelineResult second = ClickstreamPipeline.run(options());
    try {
      long target =
          lines.stream()
                  .mapToLong(l -> EventParser.parse(l).event().timestampMillis())
                  .max()
                  .orElseThrow()
              + GAP.toMillis()
              + 1_000;
      assertThat(Await.until(Duration.ofSeconds(120), () -> Await.watermark(redis) >= target))
          .isTrue();
      BatchOracle.Expected expected =
          new BatchOracle(GAP.toMillis(), Duration.ofMinutes(10).toMillis(), 1_000)
              .compute(EventsTable.scan());
      Await.until(Duration.ofSeconds(30), () -> RedisCounts.all(redis).equals(expected.counts()));
      assertThat(RedisCounts.all(redis)).isEqualTo(expected.counts());
    } finally {
      second.cancel();
    }
  }

  private static ClickstreamOptions options() {
    return LivePipelines.options("--sessionGap=" + GAP);
  }
}
