package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.core.CountPeriod;
import io.clickstream.core.RedisKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bounds on one read's work: minutes read, buckets answered, series and rows, event names. */
class BoundedReadsTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final String SIGNUP = RedisKeys.eventMetric("signup");

  @Test
  void thirtyOneDaysByMinuteAreRefusedSayingHowManyBucketsAndHowToNarrowTheQuery() {
    ApiFixture.Reply reply =
        api.get("/api/counts?event=signup&from=2024-05-01T00:00:00Z&to=2024-06-01T00:00:00Z");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText())
        .isEqualTo(
            "from: from..to at step=minute is more than 1,500 buckets: use step=hour or a shorter"
                + " range");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          step=minute&from=2024-05-01T00:00:00Z&to=2024-05-02T01:00:00Z | 200
          step=minute&from=2024-05-01T00:00:00Z&to=2024-05-02T01:01:00Z | 400
          step=hour&from=2024-05-01T00:00:00Z&to=2024-07-02T12:00:00Z   | 200
          step=hour&from=2024-05-01T00:00:00Z&to=2024-07-02T13:00:00Z   | 400
          step=day&from=2024-05-01T00:00:00Z&to=2024-08-01T00:00:00Z    | 200
          """)
  void aSeriesHasAtMostFifteenHundredPoints(String query, int status) {
    ApiFixture.Reply reply = api.get("/api/counts?event=signup&" + query);

    assertThat(reply.status()).isEqualTo(status);
    if (status == 200) {
      assertThat(reply.json().get("series").get(0).get("points").size()).isLessThanOrEqualTo(1500);
    }
  }

  @Test
  void aYearByDayIsReadFromTheDayRollupsOnceThePipelineHasWrittenThem() {
    api.redis().set(RedisKeys.ROLLUPS_FROM, "0");
    api.redis()
        .hset(
            RedisKeys.counts(SIGNUP, RedisKeys.UNDIVIDED, CountPeriod.DAY, 19_844),
            RedisKeys.FIELD_TOTAL,
            "7");
    // A minute of the same day: with the day's rollup there, not read.
    api.count(SIGNUP, RedisKeys.UNDIVIDED, RedisKeys.FIELD_TOTAL, "2024-05-01T10:00:00Z", 1_000);

    ApiFixture.Reply reply =
        api.get(
            "/api/counts?event=signup&step=day&from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z");

    assertThat(reply.status()).isEqualTo(200);
    JsonNode points = reply.json().get("series").get(0).get("points");
    assertThat(points).hasSize(366);
    assertThat(points.get(121).get("t").asText()).isEqualTo("2024-05-01T00:00Z");
    assertThat(points.get(121).get("count").asLong()).isEqualTo(7);
  }

  @Test
  void aYearOfMinutesFromBeforeTheRollupsAndMoreThanAYearAreRefusedSayingWhy() {
    ApiFixture.Reply minutes =
        api.get(
            "/api/counts?event=signup&step=day&from=2024-01-01T00:00:00Z&to=2025-01-01T00:00:00Z");
    assertThat(api.put("/api/funnels/buy", FunnelResultsApiTest.FUNNEL).status()).isEqualTo(201);
    ApiFixture.Reply totals =
        api.get("/api/funnels/buy/results?from=2024-01-01T00:00:00Z&to=2025-01-01T00:01:00Z");

    assertThat(minutes.status()).isEqualTo(400);
    assertThat(minutes.json().get("error").asText())
        .isEqualTo(
            "from: from..to needs more than 132,480 hashes read: no pipeline has written hour"
                + " or day totals to this Redis yet, so minutes are read one by one; use a shorter"
                + " range");
    assertThat(totals.status()).isEqualTo(400);
    assertThat(totals.json().get("error").asText())
        .isEqualTo(
            "from: from..to is 527,041 minutes; at most 527,040 (366 days): use a shorter range");
  }

  @Test
  void countsByADimensionAreTheTopTenByTotalThenOneOtherSeriesWithTheRestAndTheCappedValues() {
    for (int i = 1; i <= 12; i++) {
      api.count(SIGNUP, "source", "s" + i, "2024-05-01T10:00:00Z", 100 + i);
    }
    api.count(SIGNUP, "source", "(other)", "2024-05-01T10:01:00Z", 7);

    JsonNode series = counts("&by=source").get("series");

    assertThat(series).hasSize(11);
    assertThat(series.get(0).get("key").asText()).isEqualTo("s12");
    assertThat(series.get(9).get("key").asText()).isEqualTo("s3");
    JsonNode other = series.get(10);
    assertThat(other.get("key").asText()).isEqualTo("(other)");
    assertThat(other.get("other").asBoolean()).isTrue();
    assertThat(other.get("points").get(0).get("count").asLong()).isEqualTo(101 + 102);
    assertThat(other.get("points").get(1).get("count").asLong()).isEqualTo(7);
  }

  @Test
  void limitChoosesHowManySeriesAreKeptApartAndALiteralOtherValueIsOneOfThem() {
    api.count(SIGNUP, "source", "a", "2024-05-01T10:00:00Z", 30);
    api.count(SIGNUP, "source", "\\(other)", "2024-05-01T10:00:00Z", 20);
    api.count(SIGNUP, "source", "c", "2024-05-01T10:00:00Z", 10);

    JsonNode series = counts("&by=source&limit=2").get("series");

    assertThat(keysAndFlags(series)).containsExactly("a:false", "(other):false", "(other):true");
    assertThat(series.get(2).get("points").get(0).get("count").asLong()).isEqualTo(10);
  }

  @Test
  void aRangeWithMoreValuesThanOnePassHoldsIsReadTwiceAndStillExact() {
    // 700 values × 1,500 buckets is more than TopSeries keeps in one pass.
    Map<String, String> fields = new HashMap<>();
    for (int i = 0; i < 700; i++) {
      fields.put("v" + i, String.valueOf(i + 1));
    }
    api.redis()
        .hset(
            RedisKeys.counts(SIGNUP, "source", ApiFixture.epochMinute("2024-05-01T10:00:00Z")),
            fields);
    api.count(SIGNUP, "source", "v699", "2024-05-02T00:00:00Z", 1);

    JsonNode series =
        api.get(
                "/api/counts?event=signup&by=source&limit=3"
                    + "&from=2024-05-01T00:00:00Z&to=2024-05-02T01:00:00Z")
            .json()
            .get("series");

    assertThat(keysAndFlags(series))
        .containsExactly("v699:false", "v698:false", "v697:false", "(other):true");
    assertThat(series.get(0).get("points").get(600).get("count").asLong()).isEqualTo(700);
    assertThat(series.get(0).get("points").get(1440).get("count").asLong()).isEqualTo(1);
    long rest = 700L * 701 / 2 - 700 - 699 - 698;
    assertThat(series.get(3).get("points").get(600).get("count").asLong()).isEqualTo(rest);
  }

  @ParameterizedTest
  @CsvSource({"0", "101", "ten", "-1"})
  void aLimitOutsideOneToAHundredIsRefusedNamingLimit(String limit) {
    ApiFixture.Reply reply =
        api.get(
            "/api/counts?event=signup&by=source&limit="
                + limit
                + "&from=2024-05-01T10:00:00Z&to=2024-05-01T10:03:00Z");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText())
        .startsWith("limit: expected a whole number from 1 to 100");
  }

  @Test
  void aFunnelBreakdownIsTheTopRowsByStepOneThenOneOtherRowWithTheRest() {
    assertThat(api.put("/api/funnels/buy", FunnelResultsApiTest.FUNNEL).status()).isEqualTo(201);
    result("2024-05-01T10:00:00Z", "by:source:1:google", 9);
    result("2024-05-01T10:00:00Z", "by:source:2:google", 4);
    result("2024-05-01T10:00:00Z", "by:source:1:bing", 5);
    result("2024-05-01T10:00:00Z", "by:source:2:bing", 2);
    result("2024-05-01T10:00:00Z", "by:source:1:ddg", 3);
    result("2024-05-01T10:00:00Z", "by:source:1:(other)", 2);
    result("2024-05-01T10:00:00Z", "by:source:2:(other)", 1);

    JsonNode rows =
        api.get(
                "/api/funnels/buy/results?by=source&limit=1"
                    + "&from=2024-05-01T10:00:00Z&to=2024-05-01T10:05:00Z")
            .json()
            .get("breakdown");

    assertThat(keysAndFlags(rows)).containsExactly("google:false", "(other):true");
    assertThat(rows.get(1).get("counts").toString()).isEqualTo("[10,3,0]");
  }

  @Test
  void theEventListIsTheNamesWithTheMostEventsSortedByNameAndSaysHowManyThereAre() {
    api.redis().hset(RedisKeys.CATALOG_TOTAL, Map.of("a", "5", "b", "50", "c", "500", "d", "1"));

    ApiFixture.Reply reply = api.get("/api/events?limit=2");
    ApiFixture.Reply refused = api.get("/api/events?limit=1001");

    List<String> names = new ArrayList<>();
    reply.json().forEach(e -> names.add(e.get("name").asText()));
    assertThat(names).containsExactly("b", "c");
    assertThat(reply.headers().firstValue("X-Total-Count")).contains("4");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("error").asText())
        .startsWith("limit: expected a whole number from 1 to 1,000");
  }

  @Test
  void aCatalogOfThousandsOfNamesIsScannedInSlicesForItsTopNames() {
    Map<String, String> totals = new java.util.HashMap<>();
    for (int i = 0; i < 5_000; i++) {
      totals.put("e" + i, Integer.toString(i % 1_000));
    }
    totals.put("top", "5000");
    api.redis().hset(RedisKeys.CATALOG_TOTAL, totals);

    ApiFixture.Reply reply = api.get("/api/events?limit=3");

    List<String> names = new ArrayList<>();
    reply.json().forEach(e -> names.add(e.get("name").asText()));
    // Ties (999: e999, e1999 ... e4999) go to the first names in order.
    assertThat(names).containsExactly("e1999", "e2999", "top");
    assertThat(reply.headers().firstValue("X-Total-Count")).contains("5001");
  }

  @Test
  void aRareNameIsFoundBySearchingTheEventList() {
    api.redis()
        .hset(
            RedisKeys.CATALOG_TOTAL,
            Map.of("page_view", "500", "search", "50", "Probe_7", "1", "probe_8", "1"));

    List<String> names = new ArrayList<>();
    api.get("/api/events?limit=1&search=PROBE_")
        .json()
        .forEach(e -> names.add(e.get("name").asText()));
    ApiFixture.Reply tooLong = api.get("/api/events?search=" + "x".repeat(201));

    assertThat(names).hasSize(1).allMatch(n -> n.toLowerCase().startsWith("probe_"));
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.json().get("error").asText()).startsWith("search: at most 200 characters");
  }

  private static void result(String minute, String field, long count) {
    api.redis()
        .hincrBy(RedisKeys.funnelResults("buy", 1, ApiFixture.epochMinute(minute)), field, count);
  }

  private static JsonNode counts(String params) {
    return api.get(
            "/api/counts?event=signup"
                + params
                + "&from=2024-05-01T10:00:00Z&to=2024-05-01T10:03:00Z")
        .json();
  }

  private static List<String> keysAndFlags(JsonNode series) {
    List<String> keys = new ArrayList<>();
    series.forEach(s -> keys.add(s.get("key").asText() + ":" + s.get("other").asBoolean()));
    return keys;
  }
}
