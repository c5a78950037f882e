package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelFailure;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FunnelDefinitionsApiTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static final String SIGNUP =
      """
      {"id":"signup","name":"Signup","steps":[{"event":"page_view","where":{"page":"/landing"}},{"event":"search"},
       {"event":"register"},{"event":"checkout"}],"order":"sequential","scope":"session",
       "exclude":[{"event":"support_chat","after_step":2,"before_step":3}],"breakdown":["source","partner","campaign"]}
      """;

  @Test
  void aNewFunnelIsStoredAsVersionOneAndAnswers201WithTheStoredDefinition() {
    long before = System.currentTimeMillis();

    ApiFixture.Reply reply = api.put("/api/funnels/signup", SIGNUP);

    assertThat(reply.status()).isEqualTo(201);
    assertThat(reply.contentType()).startsWith("application/json");
    JsonNode body = reply.json();
    assertThat(body.get("id").asText()).isEqualTo("signup");
    assertThat(body.get("version").asInt()).isEqualTo(1);
    assertThat(body.get("live_from").asLong()).isBetween(before, System.currentTimeMillis());
    assertThat(body.get("steps").get(0).get("where").get("page").asText()).isEqualTo("/landing");
    assertThat(body.get("exclude").get(0).get("before_step").asInt()).isEqualTo(3);
    assertThat(api.get("/api/funnels/signup").json()).isEqualTo(body);
  }

  @Test
  void theStoredDefinitionIsWhatThePipelinePollsAndItsVersionIsKept() throws Exception {
    ObjectNode reply = (ObjectNode) api.put("/api/funnels/signup", SIGNUP).json();

    assertThat(reply.remove("status").asText()).isEqualTo("active");
    assertThat(MAPPER.readTree(api.redis().hget(RedisKeys.FUNNELS, "signup"))).isEqualTo(reply);
    assertThat(MAPPER.readTree(api.redis().hget(RedisKeys.funnelVersions("signup"), "1")))
        .isEqualTo(reply);
    assertThat(api.redis().get(RedisKeys.funnelVersionCounter("signup"))).isEqualTo("1");
  }

  @Test
  void aFunnelVersionThePipelineGaveUpOnShowsAsFailedWithTheReasonUntilANewVersionReplacesIt() {
    api.put("/api/funnels/signup", SIGNUP);
    // As the pipeline records it when evaluating version 1 throws.
    api.redis()
        .hset(
            RedisKeys.FUNNEL_FAILURES,
            "signup",
            new FunnelFailure(1, "java.lang.ArithmeticException: long overflow", 1_714_551_330_000L)
                .toJson());

    JsonNode failed = api.get("/api/funnels/signup").json();
    JsonNode listed = api.get("/api/funnels").json().get(0);
    JsonNode fixed =
        api.put("/api/funnels/signup", SIGNUP.replace("\"Signup\"", "\"Signup v2\"")).json();

    assertThat(failed.get("status").asText()).isEqualTo("failed");
    assertThat(failed.get("failure").get("reason").asText())
        .isEqualTo("java.lang.ArithmeticException: long overflow");
    assertThat(failed.get("failure").get("version").asInt()).isEqualTo(1);
    assertThat(failed.get("failure").get("failed_at").asText()).isEqualTo("2024-05-01T08:15:30Z");
    assertThat(listed).isEqualTo(failed);
    assertThat(fixed.get("status").asText()).isEqualTo("active");
    assertThat(api.get("/api/funnels/signup?version=1").json().get("status").asText())
        .isEqualTo("failed");
  }

  @Test
  void changingAFunnelStoresTheNextVersionAnswers200AndKeepsTheOldVersionReadable() {
    api.put("/api/funnels/signup", SIGNUP);

    ApiFixture.Reply changed =
        api.put("/api/funnels/signup", SIGNUP.replace("\"Signup\"", "\"Sign-up v2\""));

    assertThat(changed.status()).isEqualTo(200);
    assertThat(changed.json().get("version").asInt()).isEqualTo(2);
    assertThat(api.get("/api/funnels/signup").json().get("name").asText()).isEqualTo("Sign-up v2");
    JsonNode first = api.get("/api/funnels/signup?version=1").json();
    assertThat(first.get("name").asText()).isEqualTo("Signup");
    assertThat(first.get("version").asInt()).isEqualTo(1);
  }

  @Test
  void puttingTheSameDefinitionAgainKeepsItsVersionSoCountsDoNotRestart() {
    JsonNode first = api.put("/api/funnels/signup", SIGNUP).json();

    ApiFixture.Reply again = api.put("/api/funnels/signup", SIGNUP);

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(first);
    assertThat(api.redis().hlen(RedisKeys.funnelVersions("signup"))).isEqualTo(1);
  }

  @Test
  void theBodyMayLeaveOutTheIdThatTheUrlGives() {
    ApiFixture.Reply reply =
        api.put(
            "/api/funnels/search-to-cart",
            "{\"steps\":[{\"event\":\"search\"},{\"event\":\"add_to_cart\"}]}");

    assertThat(reply.status()).isEqualTo(201);
    assertThat(reply.json().get("id").asText()).isEqualTo("search-to-cart");
    assertThat(reply.json().get("name").asText()).isEqualTo("search-to-cart");
  }

  @Test
  void theListHoldsTheCurrentDefinitionsSortedById() {
    api.put("/api/funnels/zeta", twoSteps("zeta"));
    api.put("/api/funnels/alpha", twoSteps("alpha"));
    api.put("/api/funnels/mid", twoSteps("mid"));
    api.put("/api/funnels/alpha", twoSteps("alpha").replace("search", "query"));

    JsonNode list = api.get("/api/funnels").json();

    assertThat(ids(list)).containsExactly("alpha", "mid", "zeta");
    assertThat(list.get(0).get("version").asInt()).isEqualTo(2);
    assertThat(list.get(0).get("steps").get(0).get("event").asText()).isEqualTo("query");
  }

  @Test
  void withoutFunnelsTheListIsEmpty() {
    assertThat(api.get("/api/funnels").json().size()).isZero();
  }

  @Test
  void deletingAFunnelAnswers204AndThenItIsGoneWhileItsVersionsStayReadable() {
    api.put("/api/funnels/signup", SIGNUP);

    ApiFixture.Reply deleted = api.delete("/api/funnels/signup");

    assertThat(deleted.status()).isEqualTo(204);
    ApiFixture.Reply gone = api.get("/api/funnels/signup");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().get("error").asText()).isEqualTo("no funnel 'signup'");
    assertThat(ids(api.get("/api/funnels").json())).isEmpty();
    assertThat(api.get("/api/funnels/signup?version=1").json().get("name").asText())
        .isEqualTo("Signup");
  }

  @Test
  void aFunnelCreatedAgainAfterADeleteNeverReusesAVersion() {
    api.put("/api/funnels/signup", SIGNUP);
    api.delete("/api/funnels/signup");

    ApiFixture.Reply recreated = api.put("/api/funnels/signup", SIGNUP);

    assertThat(recreated.status()).isEqualTo(201);
    assertThat(recreated.json().get("version").asInt()).isEqualTo(2);
  }

  @Test
  void deletingAnUnknownFunnelAnswers404() {
    ApiFixture.Reply reply = api.delete("/api/funnels/nothing");

    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.json().get("error").asText()).isEqualTo("no funnel 'nothing'");
  }

  @Test
  void anUnknownFunnelOrVersionAnswers404Json() {
    api.put("/api/funnels/signup", SIGNUP);

    ApiFixture.Reply funnel = api.get("/api/funnels/nothing");
    ApiFixture.Reply version = api.get("/api/funnels/signup?version=7");

    assertThat(funnel.status()).isEqualTo(404);
    assertThat(funnel.contentType()).startsWith("application/json");
    assertThat(version.status()).isEqualTo(404);
    assertThat(version.json().get("error").asText()).isEqualTo("funnel 'signup' has no version 7");
  }

  @Test
  void aVersionThatIsNotAPositiveNumberAnswers400() {
    api.put("/api/funnels/signup", SIGNUP);

    for (String bad : List.of("0", "-1", "one", "1.5")) {
      ApiFixture.Reply reply = api.get("/api/funnels/signup?version=" + bad);
      assertThat(reply.status()).as(bad).isEqualTo(400);
      assertThat(reply.json().get("error").asText()).as(bad).startsWith("version: ");
    }
  }

  static String twoSteps(String id) {
    return "{\"id\":\"" + id + "\",\"steps\":[{\"event\":\"search\"},{\"event\":\"checkout\"}]}";
  }

  private static List<String> ids(JsonNode list) {
    List<String> ids = new ArrayList<>();
    list.forEach(f -> ids.add(f.get("id").asText()));
    return ids;
  }
}
