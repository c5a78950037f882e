package io.clickstream.api;

import static io.clickstream.api.CountsApiTest.counts;
import static io.clickstream.api.CountsApiTest.times;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.core.RedisKeys;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CountBucketsAcrossTimeZonesTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final String VIEW = RedisKeys.eventMetric("view");

  @Test
  void hourBucketsFollowBerlinAcrossTheSpringDstChange() {
    // 2024-03-31: at 01:00Z Berlin's clocks jump from 02:00 CET to 03:00 CEST.
    api.count(VIEW, "2024-03-31T00:59:00Z", 1);
    api.count(VIEW, "2024-03-31T01:00:00Z", 2);

    JsonNode body = hours("2024-03-31T00:00%2B01:00", "2024-03-31T05:00%2B02:00", "Europe/Berlin");

    assertThat(times(body, 0))
        .containsExactly(
            "2024-03-31T00:00+01:00",
            "2024-03-31T01:00+01:00",
            "2024-03-31T03:00+02:00",
            "2024-03-31T04:00+02:00");
    assertThat(counts(body, 0)).containsExactly(0L, 1L, 2L, 0L);
  }

  @Test
  void hourBucketsRepeatTheHourWhenBerlinFallsBack() {
    // 2024-10-27: at 01:00Z Berlin's clocks go back from 03:00 CEST to 02:00 CET.
    api.count(VIEW, "2024-10-27T00:30:00Z", 1);
    api.count(VIEW, "2024-10-27T01:30:00Z", 2);

    JsonNode body = hours("2024-10-27T00:00%2B02:00", "2024-10-27T04:00%2B01:00", "Europe/Berlin");

    assertThat(times(body, 0))
        .containsExactly(
            "2024-10-27T00:00+02:00",
            "2024-10-27T01:00+02:00",
            "2024-10-27T02:00+02:00",
            "2024-10-27T02:00+01:00",
            "2024-10-27T03:00+01:00");
    assertThat(counts(body, 0)).containsExactly(0L, 0L, 1L, 2L, 0L);
  }

  @Test
  void dayBucketsInBerlinHaveTwentyThreeHoursInSpringAndTwentyFiveInAutumn() {
    countEveryMinute("2024-03-29T23:00:00Z", "2024-03-31T22:00:00Z");
    countEveryMinute("2024-10-25T22:00:00Z", "2024-10-27T23:00:00Z");

    JsonNode spring = days("2024-03-30T00:00%2B01:00", "2024-04-01T00:00%2B02:00");
    JsonNode autumn = days("2024-10-26T00:00%2B02:00", "2024-10-28T00:00%2B01:00");

    assertThat(times(spring, 0))
        .containsExactly("2024-03-30T00:00+01:00", "2024-03-31T00:00+01:00");
    assertThat(counts(spring, 0)).containsExactly(24 * 60L, 23 * 60L);
    assertThat(times(autumn, 0))
        .containsExactly("2024-10-26T00:00+02:00", "2024-10-27T00:00+02:00");
    assertThat(counts(autumn, 0)).containsExactly(24 * 60L, 25 * 60L);
  }

  @Test
  void hourBucketsInKolkataStartAtHalfPastTheUtcHour() {
    api.count(VIEW, "2024-05-01T10:29:00Z", 1);
    api.count(VIEW, "2024-05-01T10:30:00Z", 2);
    api.count(VIEW, "2024-05-01T11:59:00Z", 4);

    JsonNode body = hours("2024-05-01T10:00:00Z", "2024-05-01T12:00:00Z", "Asia/Kolkata");

    assertThat(body.get("tz").asText()).isEqualTo("Asia/Kolkata");
    assertThat(times(body, 0))
        .containsExactly(
            "2024-05-01T15:00+05:30", "2024-05-01T16:00+05:30", "2024-05-01T17:00+05:30");
    assertThat(counts(body, 0)).containsExactly(1L, 2L, 4L);
  }

  @Test
  void minuteBucketsAreShownWithTheZonesOffset() {
    api.count(VIEW, "2024-03-31T01:00:00Z", 5);

    JsonNode body =
        api.get(
                "/api/counts?event=view&tz=Europe/Berlin"
                    + "&from=2024-03-31T00:59:00Z&to=2024-03-31T01:01:00Z")
            .json();

    assertThat(times(body, 0)).containsExactly("2024-03-31T01:59+01:00", "2024-03-31T03:00+02:00");
    assertThat(counts(body, 0)).containsExactly(0L, 5L);
  }

  private static JsonNode hours(String from, String to, String tz) {
    return api.get("/api/counts?event=view&step=hour&tz=" + tz + "&from=" + from + "&to=" + to)
        .json();
  }

  private static JsonNode days(String from, String to) {
    return api.get("/api/counts?event=view&step=day&tz=Europe/Berlin&from=" + from + "&to=" + to)
        .json();
  }

  private static void countEveryMinute(String from, String to) {
    for (long m = ApiFixture.epochMinute(from); m < ApiFixture.epochMinute(to); m++) {
      api.count(VIEW, Instant.ofEpochSecond(m * 60).toString(), 1);
    }
  }
}
