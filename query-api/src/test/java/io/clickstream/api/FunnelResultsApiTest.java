package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.core.RedisKeys;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FunnelResultsApiTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  static final String FUNNEL =
      """
      {"name":"Search to purchase","steps":[{"event":"page_view"},{"event":"search"},{"event":"checkout"}],
       "breakdown":["source","campaign"]}
      """;
  private static final String RANGE = "from=2024-05-01T10:00:00Z&to=2024-05-01T10:05:00Z";

  @BeforeEach
  void defineTheFunnel() {
    assertThat(api.put("/api/funnels/buy", FUNNEL).status()).isEqualTo(201);
  }

  @Test
  void eachStepCountsTheResultsThatReachedItInTheMinutesOfTheRange() {
    result("2024-05-01T09:59:00Z", "reached:1", 100);
    result("2024-05-01T10:00:00Z", "reached:1", 12);
    result("2024-05-01T10:00:00Z", "reached:2", 6);
    result("2024-05-01T10:00:00Z", "reached:3", 3);
    result("2024-05-01T10:04:00Z", "reached:1", 8);
    result("2024-05-01T10:04:00Z", "reached:2", 4);
    result("2024-05-01T10:04:00Z", "reached:3", 2);
    result("2024-05-01T10:05:00Z", "reached:1", 100);

    JsonNode body = api.get("/api/funnels/buy/results?" + RANGE).json();

    assertThat(body.get("funnel").asText()).isEqualTo("buy");
    assertThat(body.get("version").asInt()).isEqualTo(1);
    assertThat(body.get("from").asText()).isEqualTo("2024-05-01T10:00Z");
    assertThat(body.get("to").asText()).isEqualTo("2024-05-01T10:05Z");
    assertThat(field(body, "event", JsonNode::asText))
        .containsExactly("page_view", "search", "checkout");
    assertThat(field(body, "count", JsonNode::asLong)).containsExactly(20L, 10L, 5L);
    assertThat(body.has("breakdown")).isFalse();
  }

  @Test
  void conversionsAreFromTheFirstStepAndFromThePreviousOne() {
    result("2024-05-01T10:01:00Z", "reached:1", 20);
    result("2024-05-01T10:01:00Z", "reached:2", 10);
    result("2024-05-01T10:01:00Z", "reached:3", 4);

    JsonNode body = api.get("/api/funnels/buy/results?" + RANGE).json();

    assertThat(field(body, "conversion_from_start", JsonNode::asDouble))
        .containsExactly(1.0, 0.5, 0.2);
    assertThat(field(body, "conversion_from_previous", JsonNode::asDouble))
        .containsExactly(1.0, 0.5, 0.4);
  }

  @Test
  void withNoResultsCountsAreZeroAndConversionsAndMediansNull() {
    JsonNode body = api.get("/api/funnels/buy/results?" + RANGE).json();

    assertThat(field(body, "count", JsonNode::asLong)).containsExactly(0L, 0L, 0L);
    assertThat(field(body, "conversion_from_start", JsonNode::isNull)).containsOnly(true);
    assertThat(field(body, "conversion_from_previous", JsonNode::isNull)).containsOnly(true);
    assertThat(field(body, "median_seconds_from_start", n -> n.isNull() ? null : n.asLong()))
        .containsExactly(0L, null, null);
    assertThat(body.get("in_progress").asLong()).isZero();
    assertThat(body.get("dropped").asLong()).isZero();
  }

  @Test
  void aStepNobodyReachedConvertsAtZeroAndTheNextOneHasNoConversionFromIt() {
    result("2024-05-01T10:01:00Z", "reached:1", 5);

    JsonNode body = api.get("/api/funnels/buy/results?" + RANGE).json();

    assertThat(field(body, "conversion_from_start", JsonNode::asDouble))
        .containsExactly(1.0, 0.0, 0.0);
    JsonNode last = body.get("steps").get(2);
    assertThat(last.get("conversion_from_previous").isNull()).isTrue();
  }

  @Test
  void medianSecondsAreTheLowerMedianOfTheHistogramsMergedOverTheRange() {
    // step 2: 5, 7, 30 s across two minutes -> 7
    result("2024-05-01T10:00:00Z", "secs:2:5", 1);
    result("2024-05-01T10:00:00Z", "secs:2:30", 1);
    result("2024-05-01T10:03:00Z", "secs:2:7", 1);
    // step 3: 10, 10, 40, 40, an even number -> the lower median, 10
    result("2024-05-01T10:00:00Z", "secs:3:40", 2);
    result("2024-05-01T10:03:00Z", "secs:3:10", 2);
    // outside the range: would move both medians
    result("2024-05-01T10:05:00Z", "secs:2:1", 50);
    result("2024-05-01T10:05:00Z", "secs:3:1", 50);

    JsonNode body = api.get("/api/funnels/buy/results?" + RANGE).json();

    assertThat(field(body, "median_seconds_from_start", JsonNode::asLong))
        .containsExactly(0L, 7L, 10L);
  }

  @Test
  void eachLaterStepHasItsTimeToConvertAsAHistogramOfTheSecondsMergedOverTheRange() {
    result("2024-05-01T10:00:00Z", "secs:2:5", 1);
    result("2024-05-01T10:00:00Z", "secs:2:9", 2);
    result("2024-05-01T10:03:00Z", "secs:2:10", 1);
    result("2024-05-01T10:03:00Z", "secs:2:4000", 3);
    result("2024-05-01T10:04:00Z", "secs:3:700000", 1);
    result("2024-05-01T10:05:00Z", "secs:2:1", 50);

    JsonNode steps = api.get("/api/funnels/buy/results?" + RANGE).json().get("steps");

    assertThat(steps.get(0).get("time_to_convert").isNull()).isTrue();
    JsonNode second = steps.get(1).get("time_to_convert");
    assertThat(second).hasSize(FunnelResultsController.TIME_TO_CONVERT_EDGES.size());
    assertThat(second.get(0).toString())
        .isEqualTo("{\"from_seconds\":0,\"below_seconds\":10,\"count\":3}");
    assertThat(second.get(1).get("count").asLong()).isEqualTo(1);
    assertThat(second.get(8).toString())
        .isEqualTo("{\"from_seconds\":3600,\"below_seconds\":7200,\"count\":3}");
    long total = 0;
    for (JsonNode bin : second) {
      total += bin.get("count").asLong();
    }
    assertThat(total).as("every result that reached step 2 in the range").isEqualTo(7);
    JsonNode last = steps.get(2).get("time_to_convert").get(13);
    assertThat(last.toString())
        .isEqualTo("{\"from_seconds\":604800,\"below_seconds\":null,\"count\":1}");
  }

  @Test
  void anEvenHistogramWithTwoValuesTakesTheSmaller() {
    result("2024-05-01T10:00:00Z", "secs:2:100", 1);
    result("2024-05-01T10:00:00Z", "secs:2:3", 1);

    JsonNode body = api.get("/api/funnels/buy/results?" + RANGE).json();

    assertThat(body.get("steps").get(1).get("median_seconds_from_start").asLong()).isEqualTo(3L);
  }

  @Test
  void inProgressAndDroppedAreCountedApart() {
    result("2024-05-01T10:00:00Z", "open", 4);
    result("2024-05-01T10:02:00Z", "open", 1);
    result("2024-05-01T10:02:00Z", "dropped", 7);

    JsonNode body = api.get("/api/funnels/buy/results?" + RANGE).json();

    assertThat(body.get("in_progress").asLong()).isEqualTo(5);
    assertThat(body.get("dropped").asLong()).isEqualTo(7);
  }

  @Test
  void aBreakdownBySourceListsEachFirstTouchValueWithItsStepCountsLargestFirst() {
    result("2024-05-01T10:00:00Z", "by:source:1:google", 3);
    result("2024-05-01T10:01:00Z", "by:source:1:google", 2);
    result("2024-05-01T10:01:00Z", "by:source:2:google", 2);
    result("2024-05-01T10:00:00Z", "by:source:1:partner:acme", 5);
    result("2024-05-01T10:00:00Z", "by:source:2:partner:acme", 3);
    result("2024-05-01T10:00:00Z", "by:source:3:partner:acme", 1);
    result("2024-05-01T10:00:00Z", "by:source:1:bing", 9);
    result("2024-05-01T10:00:00Z", "by:campaign:1:spring", 50);

    JsonNode body = api.get("/api/funnels/buy/results?by=source&" + RANGE).json();

    assertThat(body.get("by").asText()).isEqualTo("source");
    List<String> keys = new ArrayList<>();
    body.get("breakdown").forEach(b -> keys.add(b.get("key").asText()));
    assertThat(keys).containsExactly("bing", "google", "partner:acme");
    assertThat(counts(body.get("breakdown").get(1))).containsExactly(5L, 2L, 0L);
    assertThat(counts(body.get("breakdown").get(2))).containsExactly(5L, 3L, 1L);
  }

  @Test
  void theValuesOverTheCapAreOneBreakdownRowFlaggedOtherApartFromALiteralOther() {
    result("2024-05-01T10:00:00Z", "by:source:1:(other)", 4);
    result("2024-05-01T10:00:00Z", "by:source:2:(other)", 1);
    result("2024-05-01T10:00:00Z", "by:source:1:\\(other)", 2);

    JsonNode body = api.get("/api/funnels/buy/results?by=source&" + RANGE).json();

    // The values over the cap are the row (other), last, with any values past the top limit.
    JsonNode over = body.get("breakdown").get(1);
    assertThat(over.get("key").asText()).isEqualTo("(other)");
    assertThat(over.get("other").asBoolean()).isTrue();
    assertThat(counts(over)).containsExactly(4L, 1L, 0L);
    JsonNode literal = body.get("breakdown").get(0);
    assertThat(literal.get("key").asText()).isEqualTo("(other)");
    assertThat(literal.get("other").asBoolean()).isFalse();
  }

  @Test
  void aBreakdownByADimensionTheFunnelDoesNotKeepAnswers400SayingWhichItKeeps() {
    ApiFixture.Reply reply = api.get("/api/funnels/buy/results?by=partner");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText())
        .isEqualTo("by: funnel 'buy' is broken down only by source, campaign");
  }

  @Test
  void anOlderVersionsResultsAreReadWithVersion() {
    api.put("/api/funnels/buy", FUNNEL.replace("\"checkout\"", "\"purchase\""));
    result(1, "2024-05-01T10:00:00Z", "reached:1", 11);
    result(2, "2024-05-01T10:00:00Z", "reached:1", 22);

    JsonNode current = api.get("/api/funnels/buy/results?" + RANGE).json();
    JsonNode first = api.get("/api/funnels/buy/results?version=1&" + RANGE).json();

    assertThat(current.get("version").asInt()).isEqualTo(2);
    assertThat(current.get("steps").get(0).get("count").asLong()).isEqualTo(22);
    assertThat(current.get("steps").get(2).get("event").asText()).isEqualTo("purchase");
    assertThat(first.get("version").asInt()).isEqualTo(1);
    assertThat(first.get("steps").get(0).get("count").asLong()).isEqualTo(11);
    assertThat(first.get("steps").get(2).get("event").asText()).isEqualTo("checkout");
  }

  @Test
  void aDeletedFunnelsResultsAnswer404ButStayReadableByVersion() {
    result("2024-05-01T10:00:00Z", "reached:1", 4);
    api.delete("/api/funnels/buy");

    assertThat(api.get("/api/funnels/buy/results?" + RANGE).status()).isEqualTo(404);
    assertThat(
            api.get("/api/funnels/buy/results?version=1&" + RANGE)
                .json()
                .get("steps")
                .get(0)
                .get("count")
                .asLong())
        .isEqualTo(4);
  }

  @Test
  void anUnknownFunnelOrVersionAnswers404Json() {
    ApiFixture.Reply funnel = api.get("/api/funnels/nothing/results");
    ApiFixture.Reply version = api.get("/api/funnels/buy/results?version=9");

    assertThat(funnel.status()).isEqualTo(404);
    assertThat(funnel.json().get("error").asText()).isEqualTo("no funnel 'nothing'");
    assertThat(version.status()).isEqualTo(404);
    assertThat(version.json().get("error").asText()).isEqualTo("funnel 'buy' has no version 9");
  }

  @ParameterizedTest(name = "{0} is rejected naming {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      from=yesterday                                                 | from
      to=2024-13-01T00:00:00Z                                        | to
      from=2024-05-01T10:00:00Z&to=2024-05-01T10:00:00Z              | from
      from=2023-01-01T00:00:00Z&to=2024-05-01T00:00:00Z              | from
      step=minute&from=2024-03-01T00:00:00Z&to=2024-05-01T00:00:00Z  | from
      tz=Mars/Olympus                                                | tz
      by=country                                                     | by
      step=week                                                      | step
      version=latest                                                 | version
      """)
  void aBadResultsParameterAnswers400NamingIt(String query, String parameter) {
    ApiFixture.Reply reply = api.get("/api/funnels/buy/results?" + query);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.contentType()).startsWith("application/json");
    assertThat(reply.json().get("error").asText()).startsWith(parameter + ": ");
  }

  @Test
  void comparedWithPreviousEachStepsCountIsBesideThePeriodJustBeforesWithItsDelta() {
    result("2024-05-01T09:55:00Z", "reached:1", 10);
    result("2024-05-01T09:59:00Z", "reached:2", 5);
    result("2024-05-01T09:59:00Z", "reached:3", 5);
    result("2024-05-01T09:54:00Z", "reached:1", 1000);
    result("2024-05-01T10:01:00Z", "reached:1", 20);
    result("2024-05-01T10:01:00Z", "reached:2", 10);

    JsonNode body = api.get("/api/funnels/buy/results?compare=previous&" + RANGE).json();

    assertThat(field(body, "count", JsonNode::asLong))
        .as("the totals, as without compare")
        .containsExactly(20L, 10L, 0L);
    JsonNode compare = body.get("compare");
    assertThat(compare.get("with").asText()).isEqualTo("previous");
    assertThat(compare.get("previous_from").asText()).isEqualTo("2024-05-01T09:55:00Z");
    assertThat(compare.get("previous_to").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(compare.get("rows").toString())
        .isEqualTo(
            "[{\"step\":1,\"event\":\"page_view\",\"count\":20,\"previous\":10,\"delta\":10,"
                + "\"delta_ratio\":1.0},"
                + "{\"step\":2,\"event\":\"search\",\"count\":10,\"previous\":5,\"delta\":5,"
                + "\"delta_ratio\":1.0},"
                + "{\"step\":3,\"event\":\"checkout\",\"count\":0,\"previous\":5,\"delta\":-5,"
                + "\"delta_ratio\":-1.0}]");
  }

  @Test
  void comparedWithPreviousByADimensionEachValuesCountsAreBesideItsOwn() {
    result("2024-05-01T09:58:00Z", "by:source:1:google", 4);
    result("2024-05-01T10:02:00Z", "by:source:1:google", 6);

    JsonNode rows =
        api.get("/api/funnels/buy/results?compare=previous&by=source&" + RANGE)
            .json()
            .at("/compare/rows");

    JsonNode first = rows.get(0);
    assertThat(first.get("key").asText()).isEqualTo("google");
    assertThat(first.get("step").asInt()).isEqualTo(1);
    assertThat(first.get("count").asLong()).isEqualTo(6);
    assertThat(first.get("previous").asLong()).isEqualTo(4);
    assertThat(first.get("delta").asLong()).isEqualTo(2);
  }

  @Test
  void aCompareOtherThanPreviousIsA400NamingIt() {
    ApiFixture.Reply reply = api.get("/api/funnels/buy/results?compare=last_year&" + RANGE);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).startsWith("compare: must be \"previous\"");
  }

  static void result(String minute, String field, long count) {
    result(1, minute, field, count);
  }

  static void result(int version, String minute, String field, long count) {
    api.redis()
        .hincrBy(
            RedisKeys.funnelResults("buy", version, ApiFixture.epochMinute(minute)), field, count);
  }

  static List<Long> counts(JsonNode withCounts) {
    List<Long> counts = new ArrayList<>();
    withCounts.get("counts").forEach(c -> counts.add(c.asLong()));
    return counts;
  }

  private static <T> List<T> field(
      JsonNode body, String name, java.util.function.Function<JsonNode, T> read) {
    List<T> values = new ArrayList<>();
    body.get("steps").forEach(step -> values.add(read.apply(step.get(name))));
    return values;
  }
}
