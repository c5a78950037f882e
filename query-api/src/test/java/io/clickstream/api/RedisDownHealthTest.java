package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisDownHealthTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  @Test
  void whenRedisIsDownHealthSaysSoPromptlyAndOtherRoutesAnswer503UntilItIsBack()
      throws IOException {
    api.stopRedis();

    long started = System.nanoTime();
    ApiFixture.Reply health = api.get("/api/health");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    ApiFixture.Reply events = api.get("/api/events");

    JsonNode body = health.json();
    assertThat(health.status()).isEqualTo(200);
    assertThat(body.get("status").asText()).isEqualTo("degraded");
    assertThat(body.at("/redis/status").asText()).isEqualTo("down");
    assertThat(body.at("/redis/version").isNull()).as("no version without INFO").isTrue();
    assertThat(body.at("/pipeline/status").asText()).isEqualTo("unknown");
    assertThat(body.at("/pipeline/behind_seconds").isNull()).isTrue();
    assertThat(body.at("/pipeline/caught_up").isNull()).isTrue();
    assertThat(body.get("dead_letters").isNull()).isTrue();
    assertThat(took).isLessThan(Duration.ofSeconds(3));
    assertThat(events.status()).isEqualTo(503);
    assertThat(events.json().get("error").asText()).contains("Redis is unavailable");
    assertThat(events.headers().firstValue("Retry-After")).contains("1");

    api.startRedisAgain();
    assertThat(api.get("/api/events").status()).as("the API reconnects by itself").isEqualTo(200);
    assertThat(api.get("/api/health").json().at("/redis/status").asText()).isEqualTo("up");
  }
}
