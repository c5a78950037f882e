package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.clickstream.core.RedisKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code POST /api/query}'s live kinds answer the numbers of the GET routes they stand for, on the
 * same seeded data, as rows of a table with a chart.
 */
class QueryApiTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final String SEARCH = RedisKeys.eventMetric("search");
  private static final String RANGE =
      "\"from\":\"2024-05-01T10:00:00Z\",\"to\":\"2024-05-01T13:00:00Z\"";
  private static final String QUERY_RANGE = "from=2024-05-01T10:00:00Z&to=2024-05-01T13:00:00Z";

  @Test
  void aCountsQueryAnswersTheNumbersOfGetCountsRowByRow() {
    seedSearches();

    JsonNode answer =
        query(
            "{\"kind\":\"counts\",\"event\":\"search\",\"by\":\"source\",\"step\":\"hour\","
                + "\"tz\":\"Europe/Berlin\",\"limit\":2,"
                + RANGE
                + "}");
    JsonNode get =
        api.get(
                "/api/counts?event=search&by=source&step=hour&tz=Europe/Berlin&limit=2&"
                    + QUERY_RANGE)
            .json();

    assertThat(columns(answer)).containsExactly("t", "key", "missing", "other", "count");
    assertThat(rows(answer)).isEqualTo(rowsOfCounts(get)).isNotEmpty();
    assertThat(answer.get("chart").toString())
        .isEqualTo("{\"type\":\"line\",\"x\":\"t\",\"y\":\"count\",\"series\":\"key\"}");
    assertThat(answer.get("source").asText()).isEqualTo("live");
    assertThat(answer.get("took_ms").asLong()).isNotNegative();
    assertThat(answer.at("/meta/from").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(answer.at("/meta/tz").asText()).isEqualTo("Europe/Berlin");
  }

  @Test
  void aSessionsQueryIsTheCountOfSessionsStartedAsGetCountsOfSessionsHasIt() {
    api.count(RedisKeys.METRIC_SESSIONS, "campaign", "spring", "2024-05-01T10:05:00Z", 4);
    api.count(RedisKeys.METRIC_SESSIONS, "campaign", "(none)", "2024-05-01T11:05:00Z", 2);

    JsonNode answer =
        query("{\"kind\":\"sessions\",\"by\":\"campaign\",\"step\":\"hour\"," + RANGE + "}");
    JsonNode get =
        api.get("/api/counts?event=_sessions&by=campaign&step=hour&" + QUERY_RANGE).json();

    // The counts' columns first; the sessions' figures follow (SessionFiguresQueryTest).
    List<String> counted = new ArrayList<>();
    for (JsonNode row : answer.get("rows")) {
      ArrayNode first = JsonNodeFactory.instance.arrayNode();
      for (int c = 0; c < 5; c++) {
        first.add(row.get(c));
      }
      counted.add(first.toString());
    }
    assertThat(counted).isEqualTo(rowsOfCounts(get));
    assertThat(answer.at("/meta/event").asText()).isEqualTo("_sessions");
  }

  @Test
  void aTopQueryIsEachValuesTotalOverTheRangeAsBars() {
    seedSearches();

    JsonNode answer =
        query(
            "{\"kind\":\"top\",\"event\":\"search\",\"by\":\"source\",\"limit\":2," + RANGE + "}");
    JsonNode get =
        api.get("/api/counts?event=search&by=source&step=hour&limit=2&" + QUERY_RANGE).json();

    Map<String, Long> totals = new LinkedHashMap<>();
    for (JsonNode series : get.get("series")) {
      long total = 0;
      for (JsonNode point : series.get("points")) {
        total += point.get("count").asLong();
      }
      totals.put(series.get("key").asText(), total);
    }
    Map<String, Long> top = new LinkedHashMap<>();
    for (JsonNode row : answer.get("rows")) {
      top.put(row.get(0).asText(), row.get(3).asLong());
    }
    assertThat(top).containsExactlyEntriesOf(totals);
    assertThat(top).hasToString("{google=9, bing=5, (other)=1}");
    assertThat(answer.at("/chart/type").asText()).isEqualTo("bar");
  }

  @Test
  void aFunnelQueryAnswersTheStepsOfGetFunnelResultsWithTheirConversions() {
    seedFunnel();

    JsonNode answer = query("{\"kind\":\"funnel\",\"funnel\":\"buy\"," + RANGE + "}");
    JsonNode get = api.get("/api/funnels/buy/results?" + QUERY_RANGE).json();

    List<List<Object>> expected = new ArrayList<>();
    int step = 1;
    for (JsonNode s : get.get("steps")) {
      expected.add(
          List.of(
              step++,
              s.get("event").asText(),
              s.get("count").asLong(),
              s.get("conversion_from_start").asText(),
              s.get("conversion_from_previous").asText(),
              s.get("median_seconds_from_start").asText()));
    }
    List<List<Object>> actual = new ArrayList<>();
    for (JsonNode row : answer.get("rows")) {
      actual.add(
          List.of(
              row.get(0).asInt(),
              row.get(1).asText(),
              row.get(2).asLong(),
              row.get(3).asText(),
              row.get(4).asText(),
              row.get(5).asText()));
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(actual.get(1)).startsWith(2, "search", 6L);
    assertThat(answer.at("/meta/in_progress").asLong()).isEqualTo(get.get("in_progress").asLong());
    assertThat(answer.at("/chart/type").asText()).isEqualTo("funnel");
  }

  @Test
  void aFunnelQueryByADimensionAnswersTheBreakdownOfGetFunnelResults() {
    seedFunnel();

    JsonNode answer =
        query("{\"kind\":\"funnel\",\"funnel\":\"buy\",\"by\":\"source\"," + RANGE + "}");
    JsonNode get = api.get("/api/funnels/buy/results?by=source&" + QUERY_RANGE).json();

    List<String> expected = new ArrayList<>();
    for (JsonNode row : get.get("breakdown")) {
      for (int j = 0; j < row.get("counts").size(); j++) {
        expected.add((j + 1) + " " + row.get("key").asText() + " " + row.get("counts").get(j));
      }
    }
    List<String> actual = new ArrayList<>();
    for (JsonNode row : answer.get("rows")) {
      actual.add(row.get(0) + " " + row.get(2).asText() + " " + row.get(5));
    }
    assertThat(actual).isEqualTo(expected).contains("1 google 8", "2 google 4");
  }

  @Test
  void aFunnelQueryWithAStepAnswersTheTrendOfGetFunnelResults() {
    seedFunnel();

    JsonNode answer =
        query("{\"kind\":\"funnel\",\"funnel\":\"buy\",\"step\":\"hour\"," + RANGE + "}");
    JsonNode get = api.get("/api/funnels/buy/results?step=hour&" + QUERY_RANGE).json();

    List<String> expected = new ArrayList<>();
    for (JsonNode point : get.get("series")) {
      for (int j = 0; j < point.get("counts").size(); j++) {
        expected.add(point.get("t").asText() + " " + (j + 1) + " " + point.get("counts").get(j));
      }
    }
    List<String> actual = new ArrayList<>();
    for (JsonNode row : answer.get("rows")) {
      actual.add(row.get(0).asText() + " " + row.get(1) + " " + row.get(2));
    }
    assertThat(actual).isEqualTo(expected).contains("2024-05-01T10:00Z 1 12");
    assertThat(answer.at("/chart/series").asText()).isEqualTo("step");
  }

  @Test
  void aComparisonGivesEachRowThePreviousPeriodsCountAndTheChange() {
    // The range is 10:00 to 12:00, so the previous period is 08:00 to 10:00.
    api.count(SEARCH, "source", "google", "2024-05-01T08:10:00Z", 4);
    api.count(SEARCH, "source", "google", "2024-05-01T09:10:00Z", 5);
    api.count(SEARCH, "source", "bing", "2024-05-01T09:20:00Z", 3);
    api.count(SEARCH, "source", "google", "2024-05-01T10:10:00Z", 6);
    api.count(SEARCH, "source", "google", "2024-05-01T11:10:00Z", 5);
    api.count(SEARCH, "source", "ads", "2024-05-01T11:20:00Z", 2);

    JsonNode answer =
        query(
            "{\"kind\":\"compare\",\"with\":\"previous\",\"query\":{\"kind\":\"counts\","
                + "\"event\":\"search\",\"by\":\"source\",\"step\":\"hour\","
                + "\"from\":\"2024-05-01T10:00:00Z\",\"to\":\"2024-05-01T12:00:00Z\"}}");

    assertThat(columns(answer))
        .containsExactly(
            "t", "key", "missing", "other", "count", "previous", "delta", "delta_ratio");
    assertThat(rowTexts(answer))
        .containsExactly(
            "2024-05-01T10:00Z google false false 6 4 2 0.5",
            "2024-05-01T11:00Z google false false 5 5 0 0.0",
            "2024-05-01T10:00Z ads false false 0 0 0 null",
            "2024-05-01T11:00Z ads false false 2 0 2 null");
    assertThat(answer.at("/meta/previous_from").asText()).isEqualTo("2024-05-01T08:00:00Z");
    assertThat(answer.at("/meta/previous_to").asText()).isEqualTo("2024-05-01T10:00:00Z");
    assertThat(answer.at("/chart/compare").asText()).isEqualTo("previous");
  }

  @Test
  void aComparisonOfAFunnelComparesEachStepsCount() {
    seedFunnel();
    result("2024-05-01T07:30:00Z", "reached:1", 10);
    result("2024-05-01T07:30:00Z", "reached:2", 3);

    JsonNode answer =
        query(
            "{\"kind\":\"compare\",\"query\":{\"kind\":\"funnel\",\"funnel\":\"buy\","
                + RANGE
                + "}}");

    assertThat(columns(answer))
        .containsExactly("step", "event", "count", "previous", "delta", "delta_ratio");
    assertThat(rowTexts(answer))
        .containsExactly("1 page_view 20 10 10 1.0", "2 search 6 3 3 1.0", "3 checkout 2 0 2 null");
  }

  @Test
  void aFunnelQueryComparedWithPreviousIsTheComparisonOfThatFunnelQuery() {
    seedFunnel();
    result("2024-05-01T07:30:00Z", "reached:1", 10);
    result("2024-05-01T07:30:00Z", "reached:2", 3);
    String funnel = "\"kind\":\"funnel\",\"funnel\":\"buy\",\"by\":\"source\"," + RANGE;

    JsonNode compared = query("{" + funnel + ",\"compare\":\"previous\"}");
    JsonNode comparison = query("{\"kind\":\"compare\",\"query\":{" + funnel + "}}");

    assertThat(compared.get("rows")).isEqualTo(comparison.get("rows"));
    assertThat(compared.get("columns")).isEqualTo(comparison.get("columns"));
    assertThat(compared.get("meta")).isEqualTo(comparison.get("meta"));
    assertThat(compared.at("/meta/previous_from").asText()).isEqualTo("2024-05-01T07:00:00Z");
    ApiFixture.Reply refused = api.post("/api/query", "{" + funnel + ",\"compare\":\"next\"}");
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("error").asText()).startsWith("compare: must be \"previous\"");
  }

  @Test
  void aNullFieldIsAsIfNotGivenAndANumberIsItsText() {
    seedSearches();

    JsonNode withNulls =
        query(
            "{\"kind\":\"counts\",\"event\":\"search\",\"by\":null,\"tz\":null,\"step\":\"hour\","
                + "\"limit\":3,"
                + RANGE
                + "}");
    JsonNode without =
        query(
            "{\"kind\":\"counts\",\"event\":\"search\",\"step\":\"hour\",\"limit\":\"3\","
                + RANGE
                + "}");

    assertThat(rows(withNulls)).isEqualTo(rows(without));
    assertThat(withNulls.at("/meta/by").isNull()).isTrue();
  }

  private static void seedSearches() {
    api.count(SEARCH, "source", "google", "2024-05-01T10:00:00Z", 3);
    api.count(SEARCH, "source", "google", "2024-05-01T11:59:00Z", 6);
    api.count(SEARCH, "source", "bing", "2024-05-01T10:30:00Z", 5);
    api.count(SEARCH, "source", "(none)", "2024-05-01T12:10:00Z", 1);
    api.count(SEARCH, "source", "google", "2024-05-01T13:00:00Z", 100);
  }

  private static void seedFunnel() {
    assertThat(
            api.put(
                    "/api/funnels/buy",
                    "{\"steps\":[{\"event\":\"page_view\"},{\"event\":\"search\"},"
                        + "{\"event\":\"checkout\"}],\"breakdown\":[\"source\"]}")
                .status())
        .isEqualTo(201);
    result("2024-05-01T10:00:00Z", "reached:1", 12);
    result("2024-05-01T10:00:00Z", "reached:2", 4);
    result("2024-05-01T10:00:00Z", "by:source:1:google", 8);
    result("2024-05-01T10:00:00Z", "by:source:2:google", 4);
    result("2024-05-01T10:00:00Z", "by:source:1:bing", 4);
    result("2024-05-01T11:30:00Z", "reached:1", 8);
    result("2024-05-01T11:30:00Z", "reached:2", 2);
    result("2024-05-01T11:30:00Z", "reached:3", 2);
    result("2024-05-01T11:30:00Z", "secs:2:40", 2);
    result("2024-05-01T11:30:00Z", "open", 3);
  }

  private static void result(String minute, String field, long count) {
    api.redis()
        .hincrBy(RedisKeys.funnelResults("buy", 1, ApiFixture.epochMinute(minute)), field, count);
  }

  private static JsonNode query(String body) {
    ApiFixture.Reply reply = api.post("/api/query", body);
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply.json();
  }

  /** An answer's column names. */
  static List<String> columns(JsonNode answer) {
    List<String> columns = new ArrayList<>();
    answer.get("columns").forEach(c -> columns.add(c.asText()));
    return columns;
  }

  private static List<String> rows(JsonNode answer) {
    List<String> rows = new ArrayList<>();
    answer.get("rows").forEach(row -> rows.add(row.toString()));
    return rows;
  }

  private static List<String> rowTexts(JsonNode answer) {
    List<String> rows = new ArrayList<>();
    for (JsonNode row : answer.get("rows")) {
      List<String> cells = new ArrayList<>();
      row.forEach(cell -> cells.add(cell.asText()));
      rows.add(String.join(" ", cells));
    }
    return rows;
  }

  /** GET /api/counts's series as the rows a counts query answers. */
  private static List<String> rowsOfCounts(JsonNode counts) {
    List<String> rows = new ArrayList<>();
    for (JsonNode series : counts.get("series")) {
      for (JsonNode point : series.get("points")) {
        rows.add(
            "["
                + point.get("t")
                + ","
                + series.get("key")
                + ","
                + series.get("missing")
                + ","
                + series.get("other")
                + ","
                + point.get("count")
                + "]");
      }
    }
    return rows;
  }
}
