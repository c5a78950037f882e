package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.core.RedisKeys;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
  void aFreshHeartbeatShowsTheRunningPipelineWithItsWatermark() {
    Instant heartbeat = Instant.ofEpochMilli(System.currentTimeMillis());
    api.redis().hset(RedisKeys.PIPELINE_STATUS, Map.of(
        "watermark_ms", String.valueOf(Instant.parse("2024-05-01T10:00:00Z").toEpochMilli()),
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
    api.redis().hset(RedisKeys.PIPELINE_STATUS, Map.of(
        "watermark_ms", "1714557600000",
        "heartbeat_ms", String.valueOf(System.currentTimeMillis() - 11_000)));

    JsonNode health = api.get("/api/health").json();

    assertThat(health.get("status").asText()).isEqualTo("degraded");
    assertThat(health.at("/pipeline/status").asText()).isEqualTo("stalled");
  }

  @Test
  void deadLettersAreTheLengthOfTheDeadLetterStream() {
    for (int i = 0; i < 3; i++) {
      api.redis().xadd(RedisKeys.DEAD_LETTERS, redis.clients.jedis.StreamEntryID.NEW_ENTRY,
          Map.of("reason", "unparsable", "raw", "{", "row", "r" + i));
    }

    assertThat(api.get("/api/health").json().get("dead_letters").asLong()).isEqualTo(3);
  }
}
