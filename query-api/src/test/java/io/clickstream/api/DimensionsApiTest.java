package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.core.RedisKeys;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DimensionsApiTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  @Test
  void theRecordedDimensionsAreListedByNameWithWhenTheyWentLive() {
    api.redis()
        .hset(
            RedisKeys.DIMENSIONS,
            Map.of(
                "source", millis("2024-05-01T10:00:00Z"),
                "properties.plan", millis("2024-05-02T08:30:00.250Z"),
                "properties.a:b*", millis("2024-05-03T00:00:00Z"),
                "later.release", millis("2024-05-04T00:00:00Z")));

    JsonNode dimensions = api.get("/api/dimensions").json().get("dimensions");

    assertThat(dimensions.toString())
        .isEqualTo(
            """
        [{"name":"properties.a:b*","live_from":"2024-05-03T00:00:00Z"},\
        {"name":"properties.plan","live_from":"2024-05-02T08:30:00.250Z"},\
        {"name":"source","live_from":"2024-05-01T10:00:00Z"}]""");
    // Each one listed is one /api/counts accepts.
    assertThat(api.get("/api/counts?event=signup&by=properties.a%3Ab*").status()).isEqualTo(200);
  }

  @Test
  void beforeAnyIsRecordedTheDefaultsAreListedWithoutATime() {
    assertThat(api.get("/api/dimensions").text())
        .isEqualTo(
            """
        {"dimensions":[{"name":"source","live_from":null},{"name":"partner","live_from":null},\
        {"name":"campaign","live_from":null}]}""");
  }

  @Test
  void aDimensionRecordedWhileTheApiRunsIsListedAtOnce() {
    api.get("/api/dimensions");
    api.redis().hset(RedisKeys.DIMENSIONS, "properties.plan", millis("2024-05-01T10:00:00Z"));

    assertThat(api.get("/api/dimensions").json().get("dimensions").findValuesAsText("name"))
        .containsExactly("properties.plan");
  }

  private static String millis(String iso) {
    return String.valueOf(Instant.parse(iso).toEpochMilli());
  }
}
