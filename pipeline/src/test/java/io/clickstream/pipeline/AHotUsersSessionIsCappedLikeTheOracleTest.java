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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * A bot that never pauses keeps one session open, and one user-scope episode: the caps bound what
 * that session counts and what that episode evaluates, and the live pipeline counts both as the
 * oracle does with the same caps. Every event the session caps leave out is a dead letter of kind
 * {@code capped} (issue 9, finding 9); the episode cap writes none (docs/pipeline.md, "Episode
 * cap").
 */
class AHotUsersSessionIsCappedLikeTheOracleTest {

  private static final Duration GAP = Duration.ofSeconds(10);
  private static final Duration LATENESS = Duration.ofMinutes(10);
  private static final int MAX_EVENTS = 40;
  private static final Duration MAX_LENGTH = Duration.ofSeconds(60);
  private static final int MAX_EPISODE_EVENTS = 50;

  @Test
  void aBotsEndlessSessionAndEpisodeAndLongJourneysAreCappedAsTheOracleCapsThem() throws Exception {
    SharedMiniHBase.resetEventsTable();
    JedisPooled redis = SharedRedis.flushed();
    Instant now = Instant.now();
    FunnelDefinition funnel =
        LivePipelines.define(
            redis,
            "signup",
            0,
            "{\"steps\":[{\"event\":\"page_view\"},{\"event\":\"search\"},{\"event\":\"register\"}]}");
    FunnelDefinition returning =
        LivePipelines.define(
            redis,
            "returning",
            0,
            "{\"scope\":\"user\",\"window\":\"PT20S\",\"steps\":[{\"event\":\"page_view\"},{\"event\":\"search\"}]}");
    List<String> lines =
        new ArrayList<>(
            new JourneyGenerator(3).batch(150, now.minusSeconds(150), Duration.ofSeconds(150)));
    for (int i = 0;
        i < 300;
        i++) { // one event every half second for 150 s: one session, never closed by the gap
      lines.add(
          String.format(
              "{\"event_id\":\"bot-%d\",\"user_id\":\"anonymous\",\"name\":\"%s\",\"ts\":\"%s\"}",
              i, i % 3 == 0 ? "page_view" : "search", now.minusSeconds(150).plusMillis(500L * i)));
    }
    Collections.shuffle(lines, new Random(3)); // arrival order is not event-time order

    EventsTable.write(lines);
    PipelineResult pipeline =
        ClickstreamPipeline.run(
            LivePipelines.options(
                "--sessionGap=" + GAP,
                "--allowedLateness=" + LATENESS,
                "--readFromMillis=" + now.minusSeconds(200).toEpochMilli(),
                "--maxSessionEvents=" + MAX_EVENTS,
                "--maxSessionLength=" + MAX_LENGTH,
                "--maxEpisodeEvents=" + MAX_EPISODE_EVENTS));
    try {
      List<EventRow> rows = EventsTable.scan();
      long watermarkTarget =
          rows.stream()
                  .map(r -> EventParser.parse(r.json()).event())
                  .filter(Objects::nonNull)
                  .mapToLong(e -> e.timestampMillis())
                  .max()
                  .orElseThrow()
              + Duration.ofSeconds(20).toMillis()
              + 1_000;
      assertThat(
              Await.until(Duration.ofSeconds(120), () -> Await.watermark(redis) >= watermarkTarget))
          .as("the watermark passes every session")
          .isTrue();

      BatchOracle oracle =
          new BatchOracle(
              GAP.toMillis(),
              LATENESS.toMillis(),
              1_000,
              MAX_EVENTS,
              MAX_LENGTH.toMillis(),
              MAX_EPISODE_EVENTS);
      BatchOracle.Expected expected = oracle.compute(rows, List.of(funnel, returning));
      assertThat(expected.capped())
          .as("the bot alone has 260 events past the caps")
          .isGreaterThan(250);
      // The bot's attempts: one per page_view (a third of its events) among the first 50, not 100.
      assertThat(RedisCounts.sum(expected.counts(), "cs:fr:returning:", "reached:1"))
          .isLessThan(
              RedisCounts.sum(
                      new BatchOracle(
                              GAP.toMillis(),
                              LATENESS.toMillis(),
                              1_000,
                              MAX_EVENTS,
                              MAX_LENGTH.toMillis())
                          .compute(rows, List.of(returning))
                          .counts(),
                      "cs:fr:returning:",
                      "reached:1")
                  - 50);
      Await.until(Duration.ofSeconds(30), () -> RedisCounts.all(redis).equals(expected.counts()));
      assertThat(RedisCounts.all(redis)).isEqualTo(expected.counts());
      assertThat(LivePipelines.deadLettersByKind(redis))
          .isEqualTo(Map.of("capped", (long) expected.capped()));
      assertThat(LivePipelines.deadLetters(redis))
          .allSatisfy(
              d ->
                  assertThat(d.get("reason"))
                      .containsAnyOf("--maxSessionEvents", "--maxSessionLength"));
    } finally {
      pipeline.cancel();
    }
  }
}
