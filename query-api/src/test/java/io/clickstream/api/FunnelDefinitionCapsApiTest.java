package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FunnelDefinitionCapsApiTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static String funnel(String secondEvent) {
    return "{\"steps\":[{\"event\":\"a\"},{\"event\":\"" + secondEvent + "\"}]}";
  }

  @Test
  void aHundredFunnelsMayBeDefinedAndTheNextIsRefusedNamingIdAndTheLimitUntilOneIsDeleted() {
    for (int i = 0; i < FunnelDefinitions.MAX_FUNNELS; i++) {
      assertThat(api.put("/api/funnels/f" + i, funnel("b")).status()).isEqualTo(201);
    }

    ApiFixture.Reply refused = api.put("/api/funnels/one-more", funnel("b"));
    boolean storedWhenRefused = api.redis().hexists(RedisKeys.FUNNELS, "one-more");
    ApiFixture.Reply changed = api.put("/api/funnels/f0", funnel("c"));
    api.delete("/api/funnels/f1");
    ApiFixture.Reply afterDelete = api.put("/api/funnels/one-more", funnel("b"));

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("error").asText())
        .isEqualTo(
            "id: at most 100 funnels may be defined at once; delete one before defining"
                + " 'one-more'");
    assertThat(storedWhenRefused).isFalse();
    assertThat(changed.status()).isEqualTo(200);
    assertThat(afterDelete.status()).isEqualTo(201);
  }

  @Test
  void storingAVersionDropsTheOnesFiftyOrMoreVersionsOlderAndTheNewestFiftyStayReadable() {
    for (int v = 1; v <= 53; v++) {
      assertThat(api.put("/api/funnels/f", funnel("b" + v)).status()).isIn(200, 201);
    }

    assertThat(api.redis().hlen(RedisKeys.funnelVersions("f"))).isEqualTo(50);
    assertThat(api.get("/api/funnels/f?version=3").status()).isEqualTo(404);
    assertThat(api.get("/api/funnels/f?version=4").json().get("steps").get(1).get("event").asText())
        .isEqualTo("b4");
    assertThat(api.get("/api/funnels/f").json().get("version").asInt()).isEqualTo(53);
  }

  @Test
  void aDefinitionOverACapIsRefusedWith400NamingTheFieldAndTheLimit() {
    StringBuilder exclusions = new StringBuilder();
    for (int i = 0; i < 11; i++) {
      exclusions.append(i == 0 ? "" : ",").append("{\"event\":\"x\",\"after_step\":1}");
    }

    ApiFixture.Reply reply =
        api.put(
            "/api/funnels/f",
            "{\"steps\":[{\"event\":\"a\"},{\"event\":\"b\"}],\"exclude\":[" + exclusions + "]}");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText())
        .isEqualTo("exclude: at most 10 exclusions, got 11");
  }
}
