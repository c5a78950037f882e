package io.clickstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.FunnelResults;
import io.clickstream.pipeline.testing.LivePipelines;
import io.clickstream.pipeline.testing.RedisTime;
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
 * A backfill can be run again, over the same range or the next one, at any time later: nothing is
 * counted twice and nothing is lost (issue 9, findings 1 and 2). The backfills run "later" by being
 * given a later clock; Redis is aged by deleting what would have expired.
 */
class BackfillRunAgainTest {

  private static final String STEPS =
      "\"steps\":[{\"event\":\"land\"},{\"event\":\"look\"},{\"event\":\"buy\"}]";
  private static final String SESSION_SCOPE = "{" + STEPS + "}";
  private static final String USER_SCOPE =
      "{\"steps\":[{\"event\":\"page_view\"},{\"event\":\"search\"},"
          + "{\"event\":\"register\"}],\"scope\":\"user\",\"window\":\"PT20M\"}";
  private static final Duration LATER = Duration.ofHours(3);

  @Test
  void aSessionStillGrowingWhenBackfilledIsReplacedNotAddedToByTheNextRun() throws Exception {
    SharedMiniHBase.resetEventsTable();
    JedisPooled redis = SharedRedis.flushed();
    Instant now = Instant.now();
    FunnelDefinition growing =
        LivePipelines.define(redis, "growing", now.plusSeconds(3600).toEpochMilli(), SESSION_SCOPE);
    FunnelDefinition once =
        LivePipelines.define(redis, "once", now.plusSeconds(3600).toEpochMilli(), SESSION_SCOPE);
    EventsTable.write(
        List.of(
            line("g1", "grower", "land", now.minusSeconds(600)),
            line("g2", "grower", "land", now.minusSeconds(590)),
            line("g3", "grower", "look", now.minusSeconds(580))));

    PipelineResult first =
        backfill(growing, now.minusSeconds(3600), now, System.currentTimeMillis());
    assertThat(BackfillFunnel.resultsOpen(first)).isEqualTo(1);
    assertThat(total(redis, growing, "\nopen")).isEqualTo(1);
    assertThat(total(redis, growing, "\ndropped")).isZero();

    EventsTable.write(
        List.of(
            line("g4", "grower", "buy", now.minusSeconds(570)),
            line("g5", "grower", "land", now.minusSeconds(560))));
    long later = System.currentTimeMillis() + LATER.toMillis();
    backfill(growing, now.minusSeconds(3600), now, later);
    backfill(once, now.minusSeconds(3600), now, later);
    assertThat(FunnelResults.of(redis, growing)).isEqualTo(FunnelResults.of(redis, once));
    assertThat(total(redis, growing, "\nreached:3")).isEqualTo(1);
    assertThat(total(redis, growing, "\nopen")).isZero();

    RedisTime.advance(redis, Duration.ofDays(30));
    backfill(growing, now.minusSeconds(3600), now, later + Duration.ofDays(30).toMillis());
    assertThat(FunnelResults.of(redis, growing)).isEqualTo(FunnelResults.of(redis, once));
  }

  @Test
  void aUserScopeFunnelBackfilledOneRangeThenTheNextEqualsOneBackfillOfBoth() throws Exception {
    SharedMiniHBase.resetEventsTable();
    JedisPooled redis = SharedRedis.flushed();
    Instant now = Instant.now();
    long liveFrom = now.plusSeconds(3600).toEpochMilli();
    FunnelDefinition inTwo = LivePipelines.define(redis, "in_two", liveFrom, USER_SCOPE);
    FunnelDefinition inOne = LivePipelines.define(redis, "in_one", liveFrom, USER_SCOPE);
    EventsTable.write(
        new JourneyGenerator(11).batch(300, now.minusSeconds(3000), Duration.ofSeconds(2400)));
    Instant from = now.minusSeconds(3600);
    Instant middle = now.minusSeconds(1800);
    long later = System.currentTimeMillis() + LATER.toMillis();

    backfill(inTwo, from, middle, later);
    backfill(inTwo, middle, now, later);
    backfill(inOne, from, now, later);

    Map<String, Long> both = FunnelResults.of(redis, inOne);
    assertThat(both).isNotEmpty();
    assertThat(FunnelResults.of(redis, inTwo)).isEqualTo(both);
    RedisTime.advance(redis, Duration.ofDays(30));
    backfill(inTwo, middle, now, later);
    backfill(inTwo, from, middle, later);
    assertThat(FunnelResults.of(redis, inTwo)).isEqualTo(both);
    assertThatThrownBy(() -> backfill(inTwo, from.plusSeconds(60), middle.plusSeconds(60), later))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already backfilled for funnel in_two version 1");
  }

  private static PipelineResult backfill(
      FunnelDefinition f, Instant from, Instant to, long nowMillis) {
    PipelineResult job =
        BackfillFunnel.start(
            LivePipelines.options("--sessionGap=PT5M", "--allowedLateness=PT2H"),
            f,
            from.toEpochMilli(),
            to.toEpochMilli(),
            nowMillis);
    assertThat(job.waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    return job;
  }

  /** The sum over every minute of the result field ending in {@code suffix}. */
  private static long total(JedisPooled redis, FunnelDefinition f, String suffix) {
    return FunnelResults.of(redis, f).entrySet().stream()
        // The minutes' results ("{minute}\n{field}"), not their hour and day rollups'.
        .filter(e -> Character.isDigit(e.getKey().charAt(0)) && e.getKey().endsWith(suffix))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  private static String line(String id, String user, String name, Instant ts) {
    return String.format(
        "{\"event_id\":\"%s\",\"user_id\":\"%s\",\"name\":\"%s\",\"ts\":\"%s\"}",
        id, user, name, ts);
  }
}
