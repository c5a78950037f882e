package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.RedisKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorResponsesTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  @ParameterizedTest(name = "{0} is rejected naming {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      /api/counts                                                                      | event
      /api/counts?event=                                                               | event
      /api/counts?event=_bogus                                                         | event
      /api/counts?event=signup&by=country                                              | by
      /api/counts?event=signup&step=week                                               | step
      /api/counts?event=signup&tz=Mars/Olympus                                         | tz
      /api/counts?event=signup&from=yesterday                                          | from
      /api/counts?event=signup&to=2024-13-01T00:00:00Z                                 | to
      /api/counts?event=signup&from=2024-05-01T10:00:00                                | from
      /api/counts?event=signup&from=2024-05-01T10:00:00Z&to=2024-05-01T10:00:00Z       | from
      /api/counts?event=signup&from=2024-05-02T10:00:00Z&to=2024-05-01T10:00:00Z       | from
      /api/counts?event=signup&from=2024-05-01T00:00:00Z&to=2024-06-01T00:01:00Z       | from
      /api/counts?event=signup&step=hour&from=2024-01-01T00:00:00Z&to=2025-01-02T00:00:00Z | from
      """)
  void aBadParameterAnswers400NamingIt(String pathAndQuery, String parameter) {
    ApiFixture.Reply reply = api.get(pathAndQuery);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.contentType()).startsWith("application/json");
    assertThat(reply.json().get("error").asText()).startsWith(parameter + ": ");
  }

  @ParameterizedTest(name = "{0} is rejected naming {1} and the supported range")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      /api/counts?event=signup&to=%2B999999999-12-31T23:59:59-18:00                            | to
      /api/counts?event=signup&from=-999999999-01-01T00:00:00%2B18:00                          | from
      /api/counts?event=signup&from=1969-12-31T23:59:59Z&to=1970-01-01T01:00:00Z               | from
      /api/counts?event=signup&from=2099-12-31T23:00:00Z&to=2100-01-01T00:00:00Z               | to
      /api/funnels/buy/results?to=%2B999999999-12-31T23:59:59-18:00                            | to
      /api/funnels/buy/results?from=1970-01-01T00:59:59%2B01:00&to=1970-01-01T01:00:00Z        | from
      /api/funnels/buy/results?step=hour&from=2099-12-31T00:00:00Z&to=2100-01-01T00:00:00.001Z | to
      """)
  void anInstantOutsideTheSupportedRangeAnswers400NamingTheParameterAndTheRange(
      String pathAndQuery, String parameter) {
    // The results routes check their parameters only for a funnel that exists.
    assertThat(api.put("/api/funnels/buy", FunnelResultsApiTest.FUNNEL).status()).isEqualTo(201);

    ApiFixture.Reply reply = api.get(pathAndQuery);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.contentType()).startsWith("application/json");
    assertThat(reply.json().get("error").asText())
        .startsWith(parameter + ": ")
        .contains("1970-01-01T00:00:00Z (inclusive)", "2100-01-01T00:00:00Z (exclusive)");
  }

  @Test
  void theSupportedRangeRunsFrom1970UpToTheStartOf2100() {
    assertThat(
            api.get("/api/counts?event=signup&from=1970-01-01T00:00:00Z&to=1970-01-01T01:00:00Z")
                .status())
        .isEqualTo(200);
    assertThat(
            api.get(
                    "/api/counts?event=signup&from=2099-12-31T23:00:00Z&to=2099-12-31T23:59:59.999Z")
                .status())
        .isEqualTo(200);
  }

  @Test
  void theLongestRangesAllowedAre1500MinutesByMinuteAndNinetyTwoDaysByDay() {
    assertThat(
            api.get("/api/counts?event=signup&from=2024-05-01T00:00:00Z&to=2024-05-02T01:00:00Z")
                .status())
        .isEqualTo(200);
    assertThat(
            api.get(
                    "/api/counts?event=signup&step=day&from=2024-05-01T00:00:00Z&to=2024-08-01T00:00:00Z")
                .status())
        .isEqualTo(200);
  }

  @Test
  void anUnknownRouteAnswers404Json() {
    ApiFixture.Reply api404 = api.get("/api/nope");
    ApiFixture.Reply root404 = api.get("/nope/deeper");

    assertThat(api404.status()).isEqualTo(404);
    assertThat(api404.contentType()).startsWith("application/json");
    assertThat(api404.json().get("error").asText()).isEqualTo("no route GET /api/nope");
    assertThat(root404.status()).isEqualTo(404);
    assertThat(root404.json().get("error").asText()).isEqualTo("no route GET /nope/deeper");
  }

  @Test
  void anUnexpectedFailureAnswers500WithoutInternals() {
    api.redis()
        .hset(
            RedisKeys.counts(
                RedisKeys.eventMetric("signup"),
                RedisKeys.UNDIVIDED,
                ApiFixture.epochMinute("2024-05-01T10:00:00Z")),
            RedisKeys.FIELD_TOTAL,
            "not a number");

    ApiFixture.Reply reply =
        api.get("/api/counts?event=signup&from=2024-05-01T10:00:00Z&to=2024-05-01T10:01:00Z");

    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.contentType()).startsWith("application/json");
    assertThat(reply.text()).isEqualTo("{\"error\":\"internal error\"}");
  }
}
