package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HealthWhileStartingTest {

  @RegisterExtension static final ApiFixture api = ApiFixture.startingUntilMarkedReady();

  @Test
  void untilMarkedReadyHealthAnswers503StartingWithRetryAfterAndOnlyThenOk() {
    ApiFixture.Reply starting = api.get("/api/health");
    ApiFixture.Reply events = api.get("/api/events");

    api.markReady();
    ApiFixture.Reply ready = api.get("/api/health");

    assertThat(starting.status()).isEqualTo(503);
    assertThat(starting.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(starting.contentType()).startsWith("application/json");
    JsonNode body = starting.json();
    assertThat(body.get("status").asText()).isEqualTo("starting");
    // The components are reported all the same, to show what start-up is waiting for.
    assertThat(body.at("/redis/status").asText()).isEqualTo("up");
    assertThat(body.at("/pipeline/status").asText()).isEqualTo("unknown");
    // Only health waits for readiness: the data there is can be read meanwhile.
    assertThat(events.status()).isEqualTo(200);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.headers().firstValue("Retry-After")).isEmpty();
    assertThat(ready.json().get("status").asText()).isEqualTo("ok");
  }
}
