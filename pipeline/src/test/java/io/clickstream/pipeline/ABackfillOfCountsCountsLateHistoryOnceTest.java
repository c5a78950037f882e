package io.clickstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * History that reached HBase later than the allowed lateness is dead-lettered by the live path and
 * counted by a backfill of counts, into the whole sessions it belongs to, once: the counts then
 * equal the oracle's, and running the backfill again, later, changes nothing (issue 9, finding 10).
 */
class ABackfillOfCountsCountsLateHistoryOnceTest {

  private static final Duration GAP = Duration.ofSeconds(30);
  private static final Duration LATENESS = Duration.ofMinutes(10);

  @Test
  void lateRowsInTheRangeAreCountedIntoTheirWholeSessionsAndARunAgainChangesNothing()
      throws Exception {
    SharedMiniHBase.resetEventsTable();
    JedisPooled redis = SharedRedis.flushed();
    Instant now = Instant.now();
    List<String> onTime = new ArrayList<>();
    List<String> late = new ArrayList<>();
    // Live journeys of three hours ago, one row in four of them held back until now: late rows that
    // grow, merge and re-attribute sessions the live path counted.
    List<String> heldBack =
        firstCopies(
            new JourneyGenerator(21)
                .batch(120, now.minus(Duration.ofHours(3)), Duration.ofHours(1)));
    for (int i = 0; i < heldBack.size(); i++) {
      (i % 4 == 0 ? late : onTime).add(heldBack.get(i));
    }
    // Imported from another tool: whole journeys, all late.
    late.addAll(
        new JourneyGenerator(22)
            .batch(80, now.minus(Duration.ofMinutes(150)), Duration.ofMinutes(30)));
    // Imported history before the range, which stays uncounted.
    late.addAll(
        new JourneyGenerator(23).batch(40, now.minus(Duration.ofHours(6)), Duration.ofMinutes(30)));
    EventsTable.writeAsIfLive(onTime, Duration.ofSeconds(1));
    EventsTable.write(late);

    PipelineResult pipeline =
        ClickstreamPipeline.run(
            options("--readFromMillis=" + now.minus(Duration.ofHours(4)).toEpochMilli()));
    List<EventRow> rows = EventsTable.scan();
    BatchOracle oracle = new BatchOracle(GAP.toMillis(), LATENESS.toMillis(), 1_000);
    BatchOracle.Expected liveExpected = oracle.compute(rows);
    Map<String, Long> live = liveExpected.counts();
    try {
      long lastOnTime =
          onTime.stream()
              .map(EventParser::parse)
              .map(r -> r.event().timestampMillis())
              .max(Long::compare)
              .orElseThrow();
      assertThat(
              Await.until(
                  Duration.ofSeconds(120),
                  () -> Await.watermark(redis) >= lastOnTime + GAP.toMillis()))
          .as("the live watermark passes every on-time session")
          .isTrue();
      Await.until(Duration.ofSeconds(30), () -> RedisCounts.all(redis).equals(live));
      assertThat(RedisCounts.all(redis)).as("live, the late rows are not counted").isEqualTo(live);
      assertThat(LivePipelines.deadLettersByKind(redis))
          .isEqualTo(Map.of("late", (long) liveExpected.late()));
    } finally {
      pipeline.cancel();
    }

    Instant from = now.minus(Duration.ofHours(4));
    Instant to = now.minus(Duration.ofHours(1));
    backfill(from, to, System.currentTimeMillis());
    BatchOracle.Expected expected =
        oracle.computeAfterCountsBackfill(rows, List.of(), from.toEpochMilli(), to.toEpochMilli());
    assertThat(expected.counts()).isNotEqualTo(live);
    assertThat(RedisCounts.all(redis)).isEqualTo(expected.counts());
    assertThat(catalog(redis, RedisKeys.CATALOG_FIRST_SEEN)).isEqualTo(expected.firstSeen());
    long lateInRange =
        rows.stream()
            .filter(r -> r.writeTimeMillis() > now.toEpochMilli())
            .mapToLong(r -> EventParser.parse(r.json()).event().timestampMillis())
            .filter(ts -> ts >= from.toEpochMilli() && ts < to.toEpochMilli())
            .count();
    assertThat(redis.hget(RedisKeys.LATE_BACKFILLS, from.toEpochMilli() + "-" + to.toEpochMilli()))
        .as("the late rows counted are reported for the range")
        .isEqualTo(Long.toString(lateInRange));

    backfill(from, to, System.currentTimeMillis() + Duration.ofDays(1).toMillis());
    assertThat(RedisCounts.all(redis)).as("a run again, a day later").isEqualTo(expected.counts());
  }

  /**
   * The generator re-sends some events, as real senders do; {@code load} keeps the first copy,
   * while these tests write with plain puts, so the copies of an event must not be split between
   * on-time and late rows.
   */
  private static List<String> firstCopies(List<String> lines) {
    Map<String, String> byId = new LinkedHashMap<>();
    lines.forEach(line -> byId.putIfAbsent(EventParser.parse(line).event().eventId(), line));
    return new ArrayList<>(byId.values());
  }

  private static void backfill(Instant from, Instant to, long nowMillis) {
    PipelineResult job =
        BackfillCounts.start(options(), from.toEpochMilli(), to.toEpochMilli(), nowMillis);
    assertThat(job.waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    BackfillCounts.recordLateRowsCounted(
        SharedRedis.url(), job, from.toEpochMilli(), to.toEpochMilli());
  }

  private static ClickstreamOptions options(String... extra) {
    List<String> args =
        new ArrayList<>(List.of("--sessionGap=" + GAP, "--allowedLateness=" + LATENESS));
    args.addAll(List.of(extra));
    return LivePipelines.options(args.toArray(String[]::new));
  }

  private static Map<String, Long> catalog(JedisPooled redis, String key) {
    Map<String, Long> seen = new TreeMap<>();
    redis.hgetAll(key).forEach((name, ms) -> seen.put(name, Long.parseLong(ms)));
    return seen;
  }
}
