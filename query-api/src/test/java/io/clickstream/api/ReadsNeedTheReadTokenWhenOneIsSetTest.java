package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.RedisKeys;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReadsNeedTheReadTokenWhenOneIsSetTest {

  private static final String READ_TOKEN = "read-token-fedcba9876543210";

  @RegisterExtension static final ApiFixture api = ApiFixture.withReadToken(READ_TOKEN);

  @ParameterizedTest(name = "GET {0} without a token answers 401")
  @ValueSource(
      strings = {
        "/api/events",
        "/api/counts?event=signup",
        "/api/dimensions",
        "/api/funnels",
        "/api/funnels/signup",
        "/api/funnels/signup/results"
      })
  void aReadWithoutATokenAnswers401Json(String path) {
    ApiFixture.Reply reply = api.get(path);

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.contentType()).startsWith("application/json");
    assertThat(reply.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    assertThat(reply.json().get("error").asText()).contains("read token");
  }

  @Test
  void aReadWithTheWrongTokenAnswers401() {
    ApiFixture.Reply reply =
        api.get("/api/events", Map.of("Authorization", "Bearer " + READ_TOKEN + "x"));

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.json().get("error").asText()).isEqualTo("wrong read token");
  }

  @Test
  void aReadWithTheReadTokenOrTheApiTokenIsAnswered() {
    api.put("/api/funnels/signup", FunnelDefinitionsApiTest.SIGNUP);

    assertThat(api.get("/api/funnels/signup", bearer(READ_TOKEN)).status()).isEqualTo(200);
    assertThat(api.get("/api/funnels/signup/results", bearer(READ_TOKEN)).status()).isEqualTo(200);
    assertThat(api.get("/api/counts?event=signup", bearer(ApiFixture.TOKEN)).status())
        .isEqualTo(200);
  }

  @Test
  void healthNeedsNoTokenForLoadBalancersAndScriptsThatWaitForIt() {
    assertThat(api.get("/api/health").status()).isEqualTo(200);
  }

  @Test
  void theReadTokenDoesNotAllowWrites() {
    ApiFixture.Reply reply =
        api.put("/api/funnels/signup", FunnelDefinitionsApiTest.SIGNUP, READ_TOKEN);

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.json().get("error").asText()).isEqualTo("wrong API token");
    assertThat(api.redis().exists(RedisKeys.FUNNELS)).isFalse();
  }

  @Test
  void theDashboardPageItselfNeedsNoTokenSoThatItCanAskForOne() {
    assertThat(api.get("/").status()).isEqualTo(200);
  }

  private static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }
}
