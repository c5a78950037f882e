package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.core.EventTable;
import io.clickstream.core.RedisKeys;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.SafeEncoder;

class HealthApiTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  @Test
  void withoutHbaseConfiguredOrAPipelineEverRunHealthIsOkWithUnknowns() {
    ApiFixture.Reply reply = api.get("/api/health");

    // A server made with just its configuration is ready at once: nothing else has to start.
    assertThat(reply.status()).isEqualTo(200);
    JsonNode health = reply.json();
    assertThat(health.get("status").asText()).isEqualTo("ok");
    assertThat(health.at("/redis/status").asText()).isEqualTo("up");
    assertThat(health.at("/hbase/status").asText()).isEqualTo("unknown");
    assertThat(health.at("/pipeline/status").asText()).isEqualTo("unknown");
    assertThat(health.at("/pipeline/watermark").isNull()).isTrue();
    assertThat(health.at("/pipeline/heartbeat").isNull()).isTrue();
    assertThat(health.get("dead_letters").asLong()).isZero();
  }

  @Test
  void healthNamesTheVersionOfTheRedisServerAsItsInfoGivesIt() {
    String info =
        SafeEncoder.encode((byte[]) api.redis().sendCommand(Protocol.Command.INFO, "server"));
    String version =
        info.lines()
            .filter(line -> line.startsWith("redis_version:"))
            .findFirst()
            .orElseThrow()
            .substring("redis_version:".length())
            .trim();

    JsonNode redis = api.get("/api/health").json().get("redis");

    assertThat(redis.get("version").asText()).isEqualTo(version).matches("\\d+\\.\\d+\\.\\d+");
    // The redis-server that embedded-redis ships (org.signal 0.9.1), which the demo runs too.
    assertThat(version).isEqualTo("7.0.15");
  }

  @Test
  void withoutRecordedReadPositionsHowFarBehindIsUnknown() {
    heartbeat();

    JsonNode pipeline = api.get("/api/health").json().get("pipeline");

    assertThat(pipeline.get("behind_seconds").isNull()).isTrue();
    assertThat(pipeline.get("events_behind").isNull()).isTrue();
    assertThat(pipeline.get("caught_up").isNull()).isTrue();
  }

  @Test
  void positionsFarBehindGiveTheLagOfTheFurthestBucketAndTheEventsEstimatedFromTheDensities() {
    heartbeat();
    long now = System.currentTimeMillis();
    // Half the buckets 10 minutes behind at 1.5 events per second each, half 5 minutes behind at
    // 0.5:
    // 8 × 600 × 1.5 + 8 × 300 × 0.5 = 8,400 events, and 16 more for every second the request takes.
    Map<String, String> positions = new HashMap<>();
    Map<String, String> rates = new HashMap<>();
    for (int bucket = 0; bucket < EventTable.SALT_BUCKETS; bucket++) {
      boolean far = bucket < EventTable.SALT_BUCKETS / 2;
      positions.put(String.valueOf(bucket), String.valueOf(now - (far ? 600_000 : 300_000)));
      rates.put(String.valueOf(bucket), far ? "1.5" : "0.5");
    }
    api.redis().hset(RedisKeys.READ_POSITIONS, positions);
    api.redis().hset(RedisKeys.READ_RATES, rates);

    JsonNode pipeline = api.get("/api/health").json().get("pipeline");

    assertThat(pipeline.get("behind_seconds").asDouble()).isBetween(600.0, 605.0);
    assertThat(pipeline.get("events_behind").asLong()).isBetween(8_400L, 8_480L);
    assertThat(pipeline.get("caught_up").asBoolean()).isFalse();
  }

  @Test
  void positionsWithoutADensityGiveTheLagButNoEventsEstimate() {
    heartbeat();
    api.redis()
        .hset(RedisKeys.READ_POSITIONS, "3", String.valueOf(System.currentTimeMillis() - 60_000));

    JsonNode pipeline = api.get("/api/health").json().get("pipeline");

    assertThat(pipeline.get("behind_seconds").asDouble()).isBetween(60.0, 65.0);
    assertThat(pipeline.get("events_behind").isNull()).isTrue();
    assertThat(pipeline.get("caught_up").asBoolean()).isFalse();
  }

  @Test
  void positionsASecondOrTwoBehindNowAreCaughtUp() {
    heartbeat();
    long now = System.currentTimeMillis();
    for (int bucket = 0; bucket < EventTable.SALT_BUCKETS; bucket++) {
      // What a read keeping up records: now less its overlap, as of its last recording a second
      // ago.
      api.redis()
          .hset(RedisKeys.READ_POSITIONS, String.valueOf(bucket), String.valueOf(now - 2_000));
      api.redis().hset(RedisKeys.READ_RATES, String.valueOf(bucket), "2.0");
    }

    JsonNode pipeline = api.get("/api/health").json().get("pipeline");

    assertThat(pipeline.get("caught_up").asBoolean()).isTrue();
    assertThat(pipeline.get("behind_seconds").asDouble()).isBetween(2.0, 5.0);
    // 16 buckets × 2 s × 2 per second, and 32 more for every second the request takes.
    assertThat(pipeline.get("events_behind").asLong()).isBetween(64L, 160L);
  }

  @Test
  void aFreshHeartbeatShowsTheRunningPipelineWithItsWatermark() {
    Instant heartbeat = Instant.ofEpochMilli(System.currentTimeMillis());
    api.redis()
        .hset(
            RedisKeys.PIPELINE_STATUS,
            Map.of(
                "watermark_ms",
                    String.valueOf(Instant.parse("2024-05-01T10:00:00Z").toEpochMilli()),
                "heartbeat_ms", String.valueOf(heartbeat.toEpochMilli()),
                "runner", "DirectRunner"));

    JsonNode health = api.get("/api/health").json();

    assertThat(health.get("status").asText()).isEqualTo("ok");
    assertThat(health.at("/pipeline/status").asText()).isEqualTo("running");
    assertThat(health.at("/pipeline/watermark").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(health.at("/pipeline/heartbeat").asText()).isEqualTo(heartbeat.toString());
  }

  @Test
  void aHeartbeatOlderThanTenSecondsShowsAStalledPipelineAndDegradedHealth() {
    api.redis()
        .hset(
            RedisKeys.PIPELINE_STATUS,
            Map.of(
                "watermark_ms",
                "1714557600000",
                "heartbeat_ms",
                String.valueOf(System.currentTimeMillis() - 11_000)));

    JsonNode health = api.get("/api/health").json();

    assertThat(health.get("status").asText()).isEqualTo("degraded");
    assertThat(health.at("/pipeline/status").asText()).isEqualTo("stalled");
  }

  @Test
  void aClockAheadOfTheApisShowsNoNegativeLag() {
    heartbeat();
    api.redis()
        .hset(RedisKeys.READ_POSITIONS, "0", String.valueOf(System.currentTimeMillis() + 3_000));
    api.redis().hset(RedisKeys.READ_RATES, "0", "10.0");

    JsonNode pipeline = api.get("/api/health").json().get("pipeline");

    assertThat(pipeline.get("behind_seconds").asDouble()).isZero();
    assertThat(pipeline.get("events_behind").asLong()).isZero();
    assertThat(pipeline.get("caught_up").asBoolean()).isTrue();
  }

  @Test
  void deadLettersAreTheLengthOfTheDeadLetterStream() {
    for (int i = 0; i < 3; i++) {
      api.redis()
          .xadd(
              RedisKeys.DEAD_LETTERS,
              redis.clients.jedis.StreamEntryID.NEW_ENTRY,
              Map.of("reason", "unparsable", "raw", "{", "row", "r" + i));
    }

    assertThat(api.get("/api/health").json().get("dead_letters").asLong()).isEqualTo(3);
  }

  @Test
  void lateRowsCountedByBackfillsOfCountsAreReportedBesideTheDeadLetters() {
    api.redis().hset(RedisKeys.LATE_BACKFILLS, Map.of("1000-2000", "5", "2000-3000", "7"));

    assertThat(api.get("/api/health").json().get("dead_letters_counted").asLong()).isEqualTo(12);
  }

  private static void heartbeat() {
    api.redis()
        .hset(
            RedisKeys.PIPELINE_STATUS, "heartbeat_ms", String.valueOf(System.currentTimeMillis()));
  }
}
