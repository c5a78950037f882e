package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.core.RedisKeys;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EventsApiTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  @Test
  void eventsAreTheCatalogSortedByNameWithTotalsAndIsoTimes() {
    catalog("signup", 12, "2024-05-01T10:00:00Z", "2024-05-01T11:30:00.250Z");
    catalog("add:to*cart ✓", 3, "2024-05-01T09:00:00Z", "2024-05-01T09:05:00Z");

    JsonNode events = api.get("/api/events").json();

    assertThat(events).hasSize(2);
    assertThat(events.get(0).get("name").asText()).isEqualTo("add:to*cart ✓");
    assertThat(events.get(1).get("name").asText()).isEqualTo("signup");
    assertThat(events.get(1).get("total").asLong()).isEqualTo(12);
    assertThat(events.get(1).get("first_seen").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(events.get(1).get("last_seen").asText()).isEqualTo("2024-05-01T11:30:00.250Z");
  }

  @Test
  void anEmptyCatalogIsAnEmptyList() {
    assertThat(api.get("/api/events").text()).isEqualTo("[]");
  }

  private static void catalog(String name, long total, String first, String last) {
    api.redis().hset(RedisKeys.CATALOG_TOTAL, name, String.valueOf(total));
    api.redis()
        .hset(
            RedisKeys.CATALOG_FIRST_SEEN,
            name,
            String.valueOf(Instant.parse(first).toEpochMilli()));
    api.redis()
        .hset(
            RedisKeys.CATALOG_LAST_SEEN, name, String.valueOf(Instant.parse(last).toEpochMilli()));
  }
}
