package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.RedisKeys;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InvalidFunnelDefinitionTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final String TWO = "[{\"event\":\"a\"},{\"event\":\"b\"}]";

  @ParameterizedTest(name = "{0}: answers 400 naming {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
      missing steps                      | {"name":"x"}                                                                  | steps
      one step                           | {"steps":[{"event":"a"}]}                                                     | steps
      steps not an array                 | {"steps":"a,b"}                                                               | steps
      a step without event               | {"steps":[{"event":"a"},{"where":{"page":"/"}}]}                              | steps[1].event
      bad order                          | {"steps":TWO,"order":"random"}                                                | order
      window with session scope          | {"steps":TWO,"scope":"session","window":"PT1H"}                               | window
      user scope without window          | {"steps":TWO,"scope":"user"}                                                  | window
      exclusion before_step = after_step | {"steps":TWO,"exclude":[{"event":"x","after_step":2,"before_step":2}]}        | exclude[0].before_step
      exclusion before_step < after_step | {"steps":TWO,"exclude":[{"event":"x","after_step":2,"before_step":1}]}        | exclude[0].before_step
      exclusion past the last step       | {"steps":TWO,"exclude":[{"event":"x","after_step":3}]}                        | exclude[0].after_step
      unknown where field                | {"steps":[{"event":"a","where":{"country":"de"}},{"event":"b"}]}               | steps[0].where.country
      unknown top-level field            | {"steps":TWO,"colour":"red"}                                                  | colour
      id mismatch                        | {"id":"other","steps":TWO}                                                    | id
      bad breakdown                      | {"steps":TWO,"breakdown":["country"]}                                         | breakdown[0]
      not JSON                           | {"steps":                                                                     | body
      not an object                      | [1,2]                                                                         | body
      """)
  void aBadDefinitionAnswers400NamingTheFieldAndStoresNothing(
      String what, String body, String field) {
    ApiFixture.Reply reply = api.put("/api/funnels/signup", body.replace("TWO", TWO));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.contentType()).startsWith("application/json");
    assertThat(reply.json().get("error").asText()).startsWith(field + ": ");
    assertThat(api.redis().exists(RedisKeys.FUNNELS)).isFalse();
  }

  @Test
  void twentyOneStepsAreOneTooMany() {
    String steps =
        IntStream.rangeClosed(1, 21)
            .mapToObj(i -> "{\"event\":\"e" + i + "\"}")
            .collect(Collectors.joining(",", "[", "]"));

    ApiFixture.Reply tooMany = api.put("/api/funnels/long", "{\"steps\":" + steps + "}");
    ApiFixture.Reply twenty =
        api.put(
            "/api/funnels/long", "{\"steps\":" + steps.replace(",{\"event\":\"e21\"}", "") + "}");

    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.json().get("error").asText()).startsWith("steps: ");
    assertThat(twenty.status()).isEqualTo(201);
  }

  @Test
  void aWindowThePipelineCannotHonourAnswers400NamingTheFieldAndTheLimit() {
    ApiFixture.Reply tooLong =
        api.put(
            "/api/funnels/big",
            "{\"steps\":" + TWO + ",\"scope\":\"user\",\"window\":\"P999999999D\"}");
    ApiFixture.Reply longest =
        api.put(
            "/api/funnels/big", "{\"steps\":" + TWO + ",\"scope\":\"user\",\"window\":\"P30D\"}");

    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.json().get("error").asText()).startsWith("window: at most 30 days (P30D)");
    assertThat(longest.status()).isEqualTo(201);
  }

  @Test
  void anIdThatCannotNameAFunnelAnswers400() {
    ApiFixture.Reply reply = api.put("/api/funnels/sign%20up", "{\"steps\":" + TWO + "}");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).startsWith("id: ");
  }

  @Test
  void aBodyOver64KilobytesAnswers400() {
    String padded = "{\"name\":\"" + "x".repeat(64 * 1024) + "\",\"steps\":" + TWO + "}";

    ApiFixture.Reply reply = api.put("/api/funnels/big", padded);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).isEqualTo("body: larger than 64 kB");
  }

  @Test
  void anEmptyBodyAnswers400() {
    ApiFixture.Reply reply = api.put("/api/funnels/signup", "");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).startsWith("body: ");
  }
}
