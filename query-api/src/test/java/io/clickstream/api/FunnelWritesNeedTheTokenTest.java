package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.RedisKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FunnelWritesNeedTheTokenTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  @Test
  void aPutWithoutATokenAnswers401AndStoresNothing() {
    ApiFixture.Reply reply = api.put("/api/funnels/signup", FunnelDefinitionsApiTest.SIGNUP, null);

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.contentType()).startsWith("application/json");
    assertThat(reply.json().get("error").asText()).contains("Authorization: Bearer");
    assertThat(api.redis().exists(RedisKeys.FUNNELS)).isFalse();
    assertThat(api.redis().exists(RedisKeys.funnelVersionCounter("signup"))).isFalse();
  }

  @Test
  void aPutWithTheWrongTokenAnswers401AndStoresNothing() {
    ApiFixture.Reply reply =
        api.put("/api/funnels/signup", FunnelDefinitionsApiTest.SIGNUP, ApiFixture.TOKEN + "x");

    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.json().get("error").asText()).isEqualTo("wrong API token");
    assertThat(api.redis().exists(RedisKeys.FUNNELS)).isFalse();
  }

  @Test
  void theTokenIsCheckedBeforeTheDefinitionSoABadOneStillAnswers401() {
    assertThat(api.put("/api/funnels/signup", "{}", "nope").status()).isEqualTo(401);
  }

  @Test
  void aDeleteWithoutTheRightTokenAnswers401AndKeepsTheFunnel() {
    api.put("/api/funnels/signup", FunnelDefinitionsApiTest.SIGNUP);

    assertThat(api.delete("/api/funnels/signup", null).status()).isEqualTo(401);
    assertThat(api.delete("/api/funnels/signup", "guess").status()).isEqualTo(401);
    assertThat(api.get("/api/funnels/signup").status()).isEqualTo(200);
  }

  @Test
  void readsNeedNoToken() {
    api.put("/api/funnels/signup", FunnelDefinitionsApiTest.SIGNUP);

    assertThat(api.get("/api/funnels").status()).isEqualTo(200);
    assertThat(api.get("/api/funnels/signup/results").status()).isEqualTo(200);
  }
}
