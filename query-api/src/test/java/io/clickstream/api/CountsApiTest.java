package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.core.DimensionName;
import io.clickstream.core.RedisKeys;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CountsApiTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final String SIGNUP = RedisKeys.eventMetric("signup");

  @Test
  void countsBySourceAreOneSeriesPerSourceSortedByTotalThenKey() {
    api.count(SIGNUP, "source", "google", "2024-05-01T10:00:00Z", 3);
    api.count(SIGNUP, "source", "bing", "2024-05-01T10:00:00Z", 1);
    api.count(SIGNUP, "source", "google", "2024-05-01T10:01:00Z", 2);
    api.count(SIGNUP, "source", "ads", "2024-05-01T10:01:00Z", 5);

    JsonNode body =
        api.get(
                "/api/counts?event=signup&by=source&from=2024-05-01T10:00:00Z&to=2024-05-01T10:03:00Z")
            .json();

    assertThat(body.get("event").asText()).isEqualTo("signup");
    assertThat(body.get("by").asText()).isEqualTo("source");
    assertThat(body.get("step").asText()).isEqualTo("minute");
    assertThat(body.get("tz").asText()).isEqualTo("UTC");
    assertThat(keys(body)).containsExactly("ads", "google", "bing");
    assertThat(counts(body, 1)).containsExactly(3L, 2L, 0L);
    assertThat(times(body, 1))
        .containsExactly("2024-05-01T10:00Z", "2024-05-01T10:01Z", "2024-05-01T10:02Z");
  }

  @Test
  void countsWithoutByAreOneSeriesKeyedAllEvenWhenThereAreNone() {
    api.count(SIGNUP, "2024-05-01T10:01:00Z", 7);

    JsonNode body =
        api.get("/api/counts?event=signup&from=2024-05-01T10:00:00Z&to=2024-05-01T10:03:00Z")
            .json();
    JsonNode empty =
        api.get("/api/counts?event=nothing&from=2024-05-01T10:00:00Z&to=2024-05-01T10:03:00Z")
            .json();

    assertThat(body.get("by").isNull()).isTrue();
    assertThat(keys(body)).containsExactly("all");
    assertThat(counts(body, 0)).containsExactly(0L, 7L, 0L);
    assertThat(keys(empty)).containsExactly("all");
    assertThat(counts(empty, 0)).containsExactly(0L, 0L, 0L);
  }

  @Test
  void fromIsInclusiveAndToIsExclusive() {
    api.count(SIGNUP, "2024-05-01T09:59:00Z", 100);
    api.count(SIGNUP, "2024-05-01T10:00:00Z", 1);
    api.count(SIGNUP, "2024-05-01T10:59:00Z", 2);
    api.count(SIGNUP, "2024-05-01T11:00:00Z", 100);

    JsonNode body =
        api.get("/api/counts?event=signup&from=2024-05-01T10:00:00Z&to=2024-05-01T11:00:00Z")
            .json();

    assertThat(counts(body, 0)).hasSize(60).startsWith(1L).endsWith(2L);
    assertThat(times(body, 0).get(0)).isEqualTo("2024-05-01T10:00Z");
  }

  @Test
  void aMinuteCountsOnlyWhenItsStartIsInTheRange() {
    api.count(SIGNUP, "2024-05-01T10:00:00Z", 1);
    api.count(SIGNUP, "2024-05-01T10:01:00Z", 2);
    api.count(SIGNUP, "2024-05-01T10:02:00Z", 4);

    JsonNode body =
        api.get("/api/counts?event=signup&from=2024-05-01T10:00:30Z&to=2024-05-01T10:02:00.001Z")
            .json();

    assertThat(times(body, 0)).containsExactly("2024-05-01T10:01Z", "2024-05-01T10:02Z");
    assertThat(counts(body, 0)).containsExactly(2L, 4L);
  }

  @Test
  void sessionsConversionsAndTheEventsOfNamesOverTheCapAreReadFromTheirOwnMetrics() {
    api.count(RedisKeys.METRIC_SESSIONS, "2024-05-01T10:00:00Z", 11);
    api.count(RedisKeys.METRIC_MICRO, "2024-05-01T10:00:00Z", 5);
    api.count(RedisKeys.METRIC_MACRO, "partner", "acme", "2024-05-01T10:00:00Z", 2);
    api.count(RedisKeys.METRIC_OTHER_EVENTS, "2024-05-01T10:00:00Z", 7);
    String range = "&from=2024-05-01T10:00:00Z&to=2024-05-01T10:01:00Z";

    assertThat(counts(api.get("/api/counts?event=_sessions" + range).json(), 0))
        .containsExactly(11L);
    assertThat(counts(api.get("/api/counts?event=_micro" + range).json(), 0)).containsExactly(5L);
    JsonNode macro = api.get("/api/counts?event=_macro&by=partner" + range).json();
    assertThat(keys(macro)).containsExactly("acme");
    assertThat(counts(macro, 0)).containsExactly(2L);
    assertThat(
            counts(
                api.get("/api/counts?event=" + RedisKeys.CATALOG_OTHER_EVENTS + range).json(), 0))
        .as("under the name the catalog lists them by")
        .containsExactly(7L);
  }

  @Test
  void dimensionValuesAndEventNamesWithColonsStarsAndUnicodeArePreservedExactly() {
    String event = "checkout:step*2 ✓";
    String metric = RedisKeys.eventMetric(event);
    List<String> values = List.of("a:b", "*", "utm:*:[x]", "Zürich 🚀", "(none)");
    for (int i = 0; i < values.size(); i++) {
      api.count(metric, "campaign", values.get(i), "2024-05-01T10:00:00Z", 10 - i);
    }

    JsonNode body =
        api.get(
                "/api/counts?event="
                    + URLEncoder.encode(event, StandardCharsets.UTF_8)
                    + "&by=campaign&from=2024-05-01T10:00:00Z&to=2024-05-01T10:01:00Z")
            .json();

    assertThat(body.get("event").asText()).isEqualTo(event);
    assertThat(keys(body)).containsExactlyElementsOf(values);
  }

  @Test
  void aRecordedPropertyDimensionIsAcceptedAndItsHostileValuesComeBackExactlyWithMissingFlagged() {
    api.redis().hset(RedisKeys.DIMENSIONS, Map.of("source", "1000", "properties.plan", "2000"));
    DimensionName plan = DimensionName.parse("properties.plan");
    List<String> values =
        new ArrayList<>(List.of("a:b", "*", "Zürich 🚀", "x".repeat(300), "(none)"));
    values.add(null); // events without the property
    for (int i = 0; i < values.size(); i++) {
      api.count(
          SIGNUP,
          plan.keyPart(),
          DimensionName.field(values.get(i)),
          "2024-05-01T10:00:00Z",
          10 - i);
    }

    JsonNode body =
        api.get(
                "/api/counts?event=signup&by=properties.plan"
                    + "&from=2024-05-01T10:00:00Z&to=2024-05-01T10:01:00Z")
            .json();

    assertThat(body.get("by").asText()).isEqualTo("properties.plan");
    assertThat(keys(body))
        .containsExactly("a:b", "*", "Zürich 🚀", "x".repeat(300), "(none)", "(none)");
    List<Boolean> missing = new ArrayList<>();
    body.get("series").forEach(s -> missing.add(s.get("missing").asBoolean()));
    assertThat(missing).containsExactly(false, false, false, false, false, true);
  }

  @Test
  void
      theValuesOverTheCapAreOneSeriesFlaggedOtherApartFromALiteralOtherAndAValueAtZeroHasNoSeries() {
    api.count(SIGNUP, "source", DimensionName.OTHER, "2024-05-01T10:00:00Z", 9);
    api.count(SIGNUP, "source", DimensionName.field("(other)"), "2024-05-01T10:00:00Z", 4);
    api.count(SIGNUP, "source", "google", "2024-05-01T10:00:00Z", 2);
    api.count(SIGNUP, "source", "bing", "2024-05-01T10:00:00Z", 0); // admitted, then all retracted

    JsonNode body =
        api.get(
                "/api/counts?event=signup&by=source&from=2024-05-01T10:00:00Z&to=2024-05-01T10:01:00Z")
            .json();

    // The values over the cap are the series (other), last, with any values past the top limit.
    assertThat(keys(body)).containsExactly("(other)", "google", "(other)");
    List<Boolean> other = new ArrayList<>();
    body.get("series").forEach(s -> other.add(s.get("other").asBoolean()));
    assertThat(other).containsExactly(false, false, true);
  }

  @Test
  void aDimensionNoPipelineRecordedIsRefusedWith400NamingByAndTheRecordedOnes() {
    api.redis().hset(RedisKeys.DIMENSIONS, Map.of("source", "1000", "properties.plan", "2000"));

    ApiFixture.Reply unrecorded = api.get("/api/counts?event=signup&by=properties.tier");
    ApiFixture.Reply unknown = api.get("/api/counts?event=signup&by=partner");

    assertThat(unrecorded.status()).isEqualTo(400);
    assertThat(unrecorded.json().get("error").asText())
        .isEqualTo(
            "by: 'properties.tier' is not a recorded dimension; there are counts by properties.plan, source");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.json().get("error").asText())
        .startsWith("by: 'partner' is not a recorded dimension");
  }

  @Test
  void anOffsetWithAnUnescapedPlusIsStillUnderstood() {
    api.count(SIGNUP, "2024-05-01T08:00:00Z", 3);

    JsonNode body =
        api.get(
                "/api/counts?event=signup&from=2024-05-01T10:00:00+02:00&to=2024-05-01T10:01:00%2B02:00")
            .json();

    assertThat(counts(body, 0)).containsExactly(3L);
  }

  @Test
  void withoutFromTheRangeStartsAnHourBeforeToButNotBefore1970() {
    api.count(SIGNUP, "1970-01-01T00:00:00Z", 3);

    JsonNode body = api.get("/api/counts?event=signup&to=1970-01-01T00:30:00Z").json();

    assertThat(times(body, 0)).hasSize(30).startsWith("1970-01-01T00:00Z");
    assertThat(counts(body, 0).get(0)).isEqualTo(3L);
  }

  @Test
  void withoutARangeTheLastHourUpToNowIsCountedByMinute() {
    JsonNode body = api.get("/api/counts?event=signup").json();

    List<String> times = times(body, 0);
    assertThat(times).hasSize(60);
    Instant last = OffsetDateTime.parse(times.get(59)).toInstant();
    assertThat(last).isBetween(Instant.now().minusSeconds(120), Instant.now());
  }

  static List<String> keys(JsonNode body) {
    List<String> keys = new ArrayList<>();
    body.get("series").forEach(s -> keys.add(s.get("key").asText()));
    return keys;
  }

  static List<Long> counts(JsonNode body, int series) {
    List<Long> counts = new ArrayList<>();
    body.get("series").get(series).get("points").forEach(p -> counts.add(p.get("count").asLong()));
    return counts;
  }

  static List<String> times(JsonNode body, int series) {
    List<String> times = new ArrayList<>();
    body.get("series").get(series).get("points").forEach(p -> times.add(p.get("t").asText()));
    return times;
  }
}
