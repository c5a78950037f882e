package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.RedisKeys;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SparkJava would route a GET by its {@code X-HTTP-Method-Override}; the API ignores the header: a
 * request is what its method says.
 */
class MethodOverrideIsNotHonouredTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final String AUTHORIZATION = "Bearer " + ApiFixture.TOKEN;

  @Test
  void aGetOverriddenToDeleteIsAnsweredAsAGetAndDeletesNothingEvenWithTheToken() {
    api.put("/api/funnels/signup", FunnelDefinitionsApiTest.SIGNUP);

    ApiFixture.Reply reply =
        api.get(
            "/api/funnels/signup",
            Map.of("Authorization", AUTHORIZATION, "X-HTTP-Method-Override", "DELETE"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("id").asText()).isEqualTo("signup");
    assertThat(api.redis().hexists(RedisKeys.FUNNELS, "signup")).isTrue();
  }

  @Test
  void aGetOverriddenToPutIsAnsweredAsAGetAndStoresNothingEvenWithTheToken() {
    ApiFixture.Reply reply =
        api.get(
            "/api/funnels/signup",
            Map.of("Authorization", AUTHORIZATION, "X-HTTP-Method-Override", "PUT"));

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().get("error").asText()).isEqualTo("no funnel 'signup'");
    assertThat(api.redis().exists(RedisKeys.FUNNELS)).isFalse();
    assertThat(api.redis().exists(RedisKeys.funnelVersionCounter("signup"))).isFalse();
  }

  @Test
  void aPutOverriddenToDeleteIsAnsweredAsAPut() {
    ApiFixture.Reply reply =
        api.sendWithHost(
            "PUT",
            "/api/funnels/signup",
            "127.0.0.1",
            Map.of(
                "Authorization",
                AUTHORIZATION,
                "X-HTTP-Method-Override",
                "DELETE",
                "Content-Length",
                "0"));

    // A PUT without a body: the definition is refused, as PUT refuses it.
    assertThat(reply.status()).isEqualTo(400);
    assertThat(api.redis().exists(RedisKeys.FUNNELS)).isFalse();
  }
}
