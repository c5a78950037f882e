package io.clickstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.DimensionName;
import io.clickstream.core.Dimensions;
import io.clickstream.core.EventParser;
import io.clickstream.core.RedisKeys;
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
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * A dimension added to a pipeline's list counts the sessions from its live_from on, and a dimension
 * backfill counts those before: live and backfill together equal the oracle that counts every
 * session by it, each once (issue 10, "a dimension added later counts from its live_from, and
 * backfill covers history as funnels do").
 */
class ADimensionAddedLaterIsBackfilledToTheOracleTest {

  private static final Duration GAP = Duration.ofSeconds(10);
  private static final Duration LATENESS = Duration.ofMinutes(10);
  private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(1); // LivePipelines' own

  private static final DimensionName AD_CONTENT =
      DimensionName.parse(DimensionName.PROPERTY_PREFIX + JourneyGenerator.AD_CONTENT);

  @Test
  void aDimensionAddedLaterCountsFromItsLiveFromAndItsBackfillCompletesItsHistoryOnce()
      throws Exception {
    SharedMiniHBase.resetEventsTable();
    JedisPooled redis = SharedRedis.flushed();
    Instant now = Instant.now();
    List<String> lines =
        new JourneyGenerator(7).batch(200, now.minusSeconds(120), Duration.ofSeconds(120));
    long middle = now.minusSeconds(60).toEpochMilli();
    // An earlier pipeline counted by the default three; this one adds ad_content, as if it had
    // started at `middle` (a time recorded before is kept).
    for (DimensionName d : Dimensions.DEFAULT.names()) {
      redis.hset(RedisKeys.DIMENSIONS, d.wireName(), "0");
    }
    redis.hset(RedisKeys.DIMENSIONS, AD_CONTENT.wireName(), Long.toString(middle));
    EventsTable.write(lines);
    long lastEvent =
        lines.stream()
            .mapToLong(l -> EventParser.parse(l).event().timestampMillis())
            .max()
            .orElseThrow();

    PipelineResult live = ClickstreamPipeline.run(options(now.minusSeconds(180)));
    try {
      long target = lastEvent + GAP.toMillis() + 1_000;
      assertThat(Await.until(Duration.ofSeconds(120), () -> Await.watermark(redis) >= target))
          .isTrue();
      List<EventRow> rows = EventsTable.scan();
      Map<String, Long> liveOnly =
          oracle().withDimensionLiveFrom(AD_CONTENT, middle).compute(rows).counts();
      Map<String, Long> whole = oracle().compute(rows).counts();
      LivePipelines.assertCountsByEveryAdContent(whole);
      assertThat(liveOnly)
          .as("the sessions before live_from are not counted by ad_content live")
          .isNotEqualTo(whole);
      // The writer lands the last on-time panes just after the watermark passes.
      Await.until(Duration.ofSeconds(30), () -> RedisCounts.all(redis).equals(liveOnly));
      assertThat(RedisCounts.all(redis)).isEqualTo(liveOnly);
    } finally {
      live.cancel();
    }

    // As if run once every session has finished.
    long later = System.currentTimeMillis() + Duration.ofMinutes(15).toMillis();
    for (int run = 1; run <= 2; run++) {
      assertThat(
              BackfillDimension.start(options(now), AD_CONTENT, 0, Long.MAX_VALUE, later)
                  .waitUntilFinish())
          .isEqualTo(PipelineResult.State.DONE);
      assertThat(RedisCounts.all(redis))
          .as("after backfill run %d", run)
          .isEqualTo(
              oracle()
                  .withDimensionLiveFrom(AD_CONTENT, middle)
                  .withDimensionBackfilled(AD_CONTENT, 0, Long.MAX_VALUE)
                  .compute(EventsTable.scan())
                  .counts());
    }
    assertThat(RedisCounts.all(redis)).isEqualTo(oracle().compute(EventsTable.scan()).counts());
  }

  private static BatchOracle oracle() {
    return new BatchOracle(GAP.toMillis(), LATENESS.toMillis(), OUT_OF_ORDERNESS.toMillis())
        .withDimensions(LivePipelines.DIMENSIONS);
  }

  private static ClickstreamOptions options(Instant readFrom) {
    return LivePipelines.options(
        "--sessionGap=" + GAP,
        "--allowedLateness=" + LATENESS,
        LivePipelines.DIMENSIONS_ARG,
        "--readFromMillis=" + readFrom.toEpochMilli());
  }
}
