package io.clickstream.api;

import static io.clickstream.api.FunnelResultsApiTest.counts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.core.RedisKeys;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FunnelTrendTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  @BeforeEach
  void defineTheFunnel() {
    api.put("/api/funnels/buy", FunnelResultsApiTest.FUNNEL);
  }

  @Test
  void hourlyTrendFollowsBerlinAcrossTheSpringDstChange() {
    // 2024-03-31: at 01:00Z Berlin's clocks jump from 02:00 CET to 03:00 CEST.
    result("2024-03-31T00:59:00Z", "reached:1", 4);
    result("2024-03-31T00:59:00Z", "reached:2", 2);
    result("2024-03-31T00:59:00Z", "open", 1);
    result("2024-03-31T01:00:00Z", "reached:1", 6);
    result("2024-03-31T01:00:00Z", "reached:3", 1);
    result("2024-03-31T01:30:00Z", "dropped", 3);

    JsonNode body =
        api.get(
                "/api/funnels/buy/results?step=hour&tz=Europe/Berlin"
                    + "&from=2024-03-31T00:00%2B01:00&to=2024-03-31T05:00%2B02:00")
            .json();

    assertThat(body.get("funnel").asText()).isEqualTo("buy");
    assertThat(body.get("version").asInt()).isEqualTo(1);
    assertThat(body.get("step").asText()).isEqualTo("hour");
    assertThat(body.get("tz").asText()).isEqualTo("Europe/Berlin");
    assertThat(times(body))
        .containsExactly(
            "2024-03-31T00:00+01:00",
            "2024-03-31T01:00+01:00",
            "2024-03-31T03:00+02:00",
            "2024-03-31T04:00+02:00");
    JsonNode series = body.get("series");
    assertThat(counts(series.get(0))).containsExactly(0L, 0L, 0L);
    assertThat(counts(series.get(1))).containsExactly(4L, 2L, 0L);
    assertThat(counts(series.get(2))).containsExactly(6L, 0L, 1L);
    assertThat(series.get(1).get("in_progress").asLong()).isEqualTo(1);
    assertThat(series.get(2).get("dropped").asLong()).isEqualTo(3);
  }

  @Test
  void hourlyTrendRepeatsTheHourWhenBerlinFallsBack() {
    // 2024-10-27: at 01:00Z Berlin's clocks go back from 03:00 CEST to 02:00 CET.
    result("2024-10-27T00:30:00Z", "reached:1", 1);
    result("2024-10-27T01:30:00Z", "reached:1", 2);

    JsonNode body =
        api.get(
                "/api/funnels/buy/results?step=hour&tz=Europe/Berlin"
                    + "&from=2024-10-27T02:00%2B02:00&to=2024-10-27T03:00%2B01:00")
            .json();

    assertThat(times(body)).containsExactly("2024-10-27T02:00+02:00", "2024-10-27T02:00+01:00");
    assertThat(counts(body.get("series").get(0))).containsExactly(1L, 0L, 0L);
    assertThat(counts(body.get("series").get(1))).containsExactly(2L, 0L, 0L);
  }

  @Test
  void withoutARangeTheMinuteTrendCoversTheLastHour() {
    JsonNode body = api.get("/api/funnels/buy/results?step=minute").json();

    List<String> times = times(body);
    assertThat(times).hasSize(60);
    assertThat(OffsetDateTime.parse(times.get(59)).toInstant())
        .isBetween(Instant.now().minusSeconds(120), Instant.now());
    assertThat(counts(body.get("series").get(59))).containsExactly(0L, 0L, 0L);
  }

  private static void result(String minute, String field, long count) {
    api.redis()
        .hincrBy(RedisKeys.funnelResults("buy", 1, ApiFixture.epochMinute(minute)), field, count);
  }

  private static List<String> times(JsonNode body) {
    List<String> times = new ArrayList<>();
    body.get("series").forEach(p -> times.add(p.get("t").asText()));
    return times;
  }
}
