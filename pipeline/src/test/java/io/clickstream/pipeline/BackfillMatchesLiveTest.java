package io.clickstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.EventParser;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.pipeline.testing.Await;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.FunnelResults;
import io.clickstream.pipeline.testing.LivePipelines;
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
 * A backfill over HBase history gives the results the live path gives, and where the two meet (a
 * version's live_from) each session is counted by exactly one of them.
 */
class BackfillMatchesLiveTest {

  private static final String STEPS =
      "\"steps\":[{\"event\":\"page_view\",\"where\":{\"page\":\"/landing\"}},"
          + "{\"event\":\"search\"},{\"event\":\"questionnaire_start\"},{\"event\":\"register\"}],\"breakdown\":[\"source\"]";
  private static final String SESSION_SCOPE = "{" + STEPS + "}";
  private static final String USER_SCOPE =
      "{" + STEPS + ",\"scope\":\"user\",\"window\":\"PT20S\"}";

  @Test
  void aBackfilledFunnelEqualsTheLiveOneAndMeetsItWithoutDoubleCounting() throws Exception {
    SharedMiniHBase.resetEventsTable();
    JedisPooled redis = SharedRedis.flushed();
    Instant now = Instant.now();
    List<String> lines =
        new JourneyGenerator(7).batch(200, now.minusSeconds(120), Duration.ofSeconds(120));
    long middle = now.minusSeconds(60).toEpochMilli();
    FunnelDefinition liveAll = LivePipelines.define(redis, "live_all", 0, SESSION_SCOPE);
    FunnelDefinition split = LivePipelines.define(redis, "split", middle, SESSION_SCOPE);
    FunnelDefinition userLiveAll = LivePipelines.define(redis, "user_live_all", 0, USER_SCOPE);
    FunnelDefinition userSplit = LivePipelines.define(redis, "user_split", middle, USER_SCOPE);

    EventsTable.write(lines);
    long lastEvent =
        lines.stream()
            .mapToLong(l -> EventParser.parse(l).event().timestampMillis())
            .max()
            .orElseThrow();
    PipelineResult live = ClickstreamPipeline.run(options(now.minusSeconds(180)));
    try {
      long target = lastEvent + 21_000;
      assertThat(Await.until(Duration.ofSeconds(120), () -> Await.watermark(redis) >= target))
          .isTrue();
      Thread.sleep(
          5_000); // the writer lands the last on-time panes just after the watermark passes
    } finally {
      live.cancel();
    }

    FunnelDefinition afterTheFact =
        LivePipelines.define(redis, "after_the_fact", System.currentTimeMillis(), SESSION_SCOPE);
    FunnelDefinition userAfterTheFact =
        LivePipelines.define(redis, "user_after_the_fact", System.currentTimeMillis(), USER_SCOPE);
    for (FunnelDefinition f : List.of(afterTheFact, split, userAfterTheFact, userSplit)) {
      // As if run once every session has finished, so that the backfill closes them as the live
      // path has.
      long later = System.currentTimeMillis() + Duration.ofMinutes(15).toMillis();
      assertThat(BackfillFunnel.start(options(now), f, 0, Long.MAX_VALUE, later).waitUntilFinish())
          .isEqualTo(PipelineResult.State.DONE);
    }

    Map<String, Long> expected = FunnelResults.of(redis, liveAll);
    assertThat(expected).isNotEmpty();
    assertThat(FunnelResults.of(redis, afterTheFact)).isEqualTo(expected);
    assertThat(FunnelResults.of(redis, split)).isEqualTo(expected);
    Map<String, Long> expectedUser = FunnelResults.of(redis, userLiveAll);
    assertThat(expectedUser).isNotEmpty().isNotEqualTo(expected);
    assertThat(FunnelResults.of(redis, userAfterTheFact)).isEqualTo(expectedUser);
    assertThat(FunnelResults.of(redis, userSplit)).isEqualTo(expectedUser);
  }

  private static ClickstreamOptions options(Instant readFrom) {
    return LivePipelines.options(
        "--sessionGap=PT10S", "--readFromMillis=" + readFrom.toEpochMilli());
  }
}
