package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every query {@code POST /api/query} cannot answer is a 400 whose error names the field. */
class QueryErrorsNameTheFieldTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final String TOKEN = "query-read-token-0123456789";

  @RegisterExtension static final ApiFixture readProtected = ApiFixture.withReadToken(TOKEN);

  @Test
  void anUnknownKindNamesKindAndListsTheKinds() {
    assertThat(error("{\"kind\":\"histogramz\",\"event\":\"search\"}"))
        .isEqualTo(
            "kind: unknown kind 'histogramz'; the kinds are counts, top, funnel, sessions,"
                + " compare, funnel_preview, paths, time_to_convert, timeline, sample");
  }

  @ParameterizedTest
  @ValueSource(strings = {"funnel_preview", "paths", "time_to_convert", "timeline", "sample"})
  void aHistoryKindNamesAFieldItDoesNotTake(String kind) {
    assertThat(error("{\"kind\":\"" + kind + "\",\"tz\":\"UTC\"}"))
        .startsWith("tz: not a field of a " + kind + " query");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "|body: required: the query as JSON",
        "{\"kind\":|body: not valid JSON",
        "{} {}|body: not valid JSON",
        "[1,2]|body: expected a JSON object",
        "null|body: expected a JSON object",
        "{}|kind: required: one of counts, top, funnel, sessions, compare",
        "{\"kind\":7}|kind: required",
        "{\"kind\":\"counts\"}|event: required",
        "{\"kind\":\"counts\",\"event\":\"search\",\"evnt\":\"x\"}|evnt: not a field of a counts query, which takes event, by, step, from, to, tz, limit",
        "{\"kind\":\"counts\",\"event\":[\"search\"]}|event: expected a string or a number",
        "{\"kind\":\"counts\",\"event\":\"search\",\"limit\":1e309}|limit: expected a whole number from 1 to 100",
        "{\"kind\":\"counts\",\"event\":\"search\",\"limit\":0}|limit: expected a whole number",
        "{\"kind\":\"counts\",\"event\":\"search\",\"step\":\"week\"}|step: must be one of minute, hour, day",
        "{\"kind\":\"counts\",\"event\":\"search\",\"by\":\"country\"}|by: 'country' is not a recorded dimension",
        "{\"kind\":\"counts\",\"event\":\"search\",\"from\":\"yesterday\"}|from: not an ISO-8601 date-time",
        "{\"kind\":\"counts\",\"event\":\"search\",\"from\":\"2023-01-01T00:00:00Z\",\"to\":\"2024-06-01T00:00:00Z\",\"step\":\"day\"}|from: from..to is ",
        "{\"kind\":\"top\",\"event\":\"search\"}|by: required: the dimension whose values to rank; there are counts by source, partner, campaign",
        "{\"kind\":\"top\",\"event\":\"search\",\"by\":\"source\",\"step\":\"hour\"}|step: not a field of a top query",
        "{\"kind\":\"funnel\"}|funnel: required: the id of a saved funnel",
        "{\"kind\":\"sessions\",\"event\":\"search\"}|event: not a field of a sessions query",
        "{\"kind\":\"compare\"}|query: required: the query to compare",
        "{\"kind\":\"compare\",\"query\":\"counts\"}|query: expected the query to compare, a JSON object",
        "{\"kind\":\"compare\",\"query\":{\"kind\":\"counts\",\"event\":\"search\"},\"with\":\"last_year\"}|with: must be \"previous\"",
        "{\"kind\":\"compare\",\"query\":{\"kind\":\"compare\",\"query\":{}}}|query.kind: a comparison compares a counts, top, funnel or sessions query",
        "{\"kind\":\"compare\",\"query\":{\"kind\":\"paths\"}}|query.kind: a comparison compares",
        "{\"kind\":\"compare\",\"query\":{\"kind\":\"counts\",\"evnt\":\"search\"}}|query.evnt: not a field of a counts query",
        "{\"kind\":\"compare\",\"query\":{\"kind\":\"counts\",\"event\":\"search\",\"tz\":\"Mars/Olympus\"}}|query.tz: unknown time zone",
        "{\"kind\":\"compare\",\"query\":{\"kind\":\"counts\"}}|query.event: required",
        "{\"kind\":\"compare\",\"query\":{\"kind\":\"counts\",\"event\":\"search\",\"from\":\"1970-01-01T00:00:00Z\",\"to\":\"1970-01-02T00:00:00Z\"}}|query.from: the period before from..to would start before 1970-01-01T00:00:00Z",
      })
  void aBadQueryIsA400NamingTheField(String body, String error) {
    assertThat(error(body == null ? "" : body)).startsWith(error);
  }

  @Test
  void aBodyOverTheLimitIsRefusedNamingBody() {
    String body =
        "{\"kind\":\"counts\",\"event\":\"" + "x".repeat(QueryParams.MAX_QUERY_BYTES) + "\"}";

    assertThat(error(body)).isEqualTo("body: larger than 16 kB");
  }

  @Test
  void aFunnelThatDoesNotExistIsA404() {
    ApiFixture.Reply reply = api.post("/api/query", "{\"kind\":\"funnel\",\"funnel\":\"nope\"}");

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().get("error").asText()).isEqualTo("no funnel 'nope'");
  }

  @Test
  void withAReadTokenAQueryNeedsItAsEveryReadDoes() {
    String body = "{\"kind\":\"counts\",\"event\":\"search\"}";

    assertThat(readProtected.post("/api/query", body).status()).isEqualTo(401);
    assertThat(readProtected.post("/api/query", body, "wrong").status()).isEqualTo(401);
    assertThat(readProtected.post("/api/query", body, TOKEN).status()).isEqualTo(200);
    assertThat(readProtected.post("/api/query", body, ApiFixture.TOKEN).status()).isEqualTo(200);
  }

  @Test
  void withoutAReadTokenAQueryNeedsNoToken() {
    assertThat(api.post("/api/query", "{\"kind\":\"counts\",\"event\":\"search\"}").status())
        .isEqualTo(200);
  }

  private static String error(String body) {
    ApiFixture.Reply reply = api.post("/api/query", body);
    assertThat(reply.status()).as(reply.text()).isEqualTo(400);
    assertThat(reply.contentType()).startsWith("application/json");
    return reply.json().get("error").asText();
  }
}
