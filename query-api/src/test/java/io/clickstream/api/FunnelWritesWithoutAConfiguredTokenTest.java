package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FunnelWritesWithoutAConfiguredTokenTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture(null, null);

  @Test
  void aServerWithoutAnApiTokenRefusesEveryWriteSayingSo() {
    ApiFixture.Reply put =
        api.put("/api/funnels/signup", FunnelDefinitionsApiTest.SIGNUP, "anything");
    ApiFixture.Reply delete = api.delete("/api/funnels/signup", null);

    assertThat(put.status()).isEqualTo(401);
    assertThat(put.json().get("error").asText()).contains("no API token configured");
    assertThat(delete.status()).isEqualTo(401);
    assertThat(api.get("/api/funnels").json().size()).isZero();
  }
}
