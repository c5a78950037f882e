package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.core.RedisKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Notebooks are stored, listed, read, replaced and deleted through the API, within their caps. */
class NotebooksApiTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final String WEEKLY =
      """
      {"title":"Weekly","cells":[
        {"type":"markdown","text":"# Searches\\nby source"},
        {"type":"query","query":{"kind":"counts","event":"search","by":"source","step":"hour"},"live":true},
        {"type":"query","query":{"kind":"compare","query":{"kind":"top","event":"search","by":"source"}}},
        {"type":"query","query":{"kind":"paths","after":"search"}}]}
      """;

  @Test
  void aNotebookIsStoredReadListedReplacedAndDeleted() {
    ApiFixture.Reply created = api.put("/api/notebooks/weekly", WEEKLY);

    assertThat(created.status()).as(created.text()).isEqualTo(201);
    JsonNode stored = api.get("/api/notebooks/weekly").json();
    assertThat(stored).isEqualTo(created.json());
    assertThat(stored.get("id").asText()).isEqualTo("weekly");
    assertThat(stored.get("title").asText()).isEqualTo("Weekly");
    assertThat(stored.get("cells")).hasSize(4);
    assertThat(stored.at("/cells/1/query/by").asText()).isEqualTo("source");
    assertThat(stored.at("/cells/1/live").asBoolean()).isTrue();
    assertThat(stored.at("/cells/2/live").asBoolean()).as("live defaults to false").isFalse();
    assertThat(stored.has("updated_at")).isTrue();
    assertThat(api.get("/api/notebooks").text())
        .isEqualTo("[{\"id\":\"weekly\",\"title\":\"Weekly\"}]");

    ApiFixture.Reply replaced =
        api.put("/api/notebooks/weekly", "{\"id\":\"weekly\",\"title\":\"Renamed\",\"cells\":[]}");
    assertThat(replaced.status()).isEqualTo(200);
    assertThat(api.get("/api/notebooks/weekly").json().get("cells")).isEmpty();
    assertThat(api.get("/api/notebooks").text())
        .isEqualTo("[{\"id\":\"weekly\",\"title\":\"Renamed\"}]");

    assertThat(api.delete("/api/notebooks/weekly").status()).isEqualTo(204);
    assertThat(api.get("/api/notebooks/weekly").status()).isEqualTo(404);
    assertThat(api.get("/api/notebooks").text()).isEqualTo("[]");
    assertThat(api.redis().keys(RedisKeys.PREFIX + "notebook*")).isEmpty();
    assertThat(api.delete("/api/notebooks/weekly").status()).isEqualTo(404);
  }

  @Test
  void writesWithoutTheTokenAre401AndChangeNothing() {
    assertThat(api.put("/api/notebooks/weekly", WEEKLY).status()).isEqualTo(201);
    String before = api.get("/api/notebooks/weekly").text();

    assertThat(api.put("/api/notebooks/weekly", "{\"title\":\"x\",\"cells\":[]}", null).status())
        .isEqualTo(401);
    assertThat(api.put("/api/notebooks/other", WEEKLY, "wrong").status()).isEqualTo(401);
    assertThat(api.delete("/api/notebooks/weekly", null).status()).isEqualTo(401);
    assertThat(api.delete("/api/notebooks/weekly", "wrong").status()).isEqualTo(401);

    assertThat(api.get("/api/notebooks/weekly").text()).isEqualTo(before);
    assertThat(api.get("/api/notebooks").json()).hasSize(1);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"cells\":[]}|title: required",
        "{\"title\":\"  \",\"cells\":[]}|title: required",
        "{\"title\":7,\"cells\":[]}|title: required",
        "{\"title\":\"t\"}|cells: required: an array of at most 100 cells",
        "{\"title\":\"t\",\"cells\":{}}|cells: required",
        "{\"title\":\"t\",\"cells\":[],\"owner\":\"me\"}|owner: not a field of a notebook, which has id, title, cells, updated_at",
        "{\"id\":\"other\",\"title\":\"t\",\"cells\":[]}|id: \"other\" does not match the URL's \"weekly\"",
        "{\"title\":\"t\",\"cells\":[7]}|cells[0]: expected a cell",
        "{\"title\":\"t\",\"cells\":[{\"type\":\"chart\"}]}|cells[0].type: expected \"markdown\" or \"query\", got 'chart'",
        "{\"title\":\"t\",\"cells\":[{\"type\":\"markdown\"}]}|cells[0].text: required",
        "{\"title\":\"t\",\"cells\":[{\"type\":\"markdown\",\"text\":\"a\",\"live\":true}]}|cells[0].live: not a field of a markdown cell",
        "{\"title\":\"t\",\"cells\":[{\"type\":\"query\"}]}|cells[0].query: expected a query",
        "{\"title\":\"t\",\"cells\":[{\"type\":\"query\",\"query\":{\"kind\":\"pie\"}}]}|cells[0].query.kind: unknown kind 'pie'",
        "{\"title\":\"t\",\"cells\":[{\"type\":\"query\",\"query\":{\"kind\":\"counts\",\"evnt\":\"a\"}}]}|cells[0].query.evnt: not a field of a counts query",
        "{\"title\":\"t\",\"cells\":[{\"type\":\"query\",\"query\":{\"kind\":\"top\"},\"live\":\"yes\"}]}|cells[0].live: expected true or false",
        "[]|body: expected a JSON object",
        "{|body: not valid JSON",
      })
  void aBadNotebookIsA400NamingTheField(String body, String error) {
    ApiFixture.Reply reply = api.put("/api/notebooks/weekly", body);

    assertThat(reply.status()).as(reply.text()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).startsWith(error);
    assertThat(api.get("/api/notebooks").text()).isEqualTo("[]");
  }

  @Test
  void anIdOutsideTheFunnelIdCharactersIsRefused() {
    ApiFixture.Reply reply = api.put("/api/notebooks/a.b", "{\"title\":\"t\",\"cells\":[]}");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText())
        .isEqualTo("id: expected 1 to 64 letters, digits, '_' or '-'");
    assertThat(api.get("/api/notebooks/a.b").status()).isEqualTo(404);
  }

  @Test
  void moreCellsThanTheCapAreRefused() {
    String cells = "{\"type\":\"markdown\",\"text\":\"a\"},".repeat(Notebook.MAX_CELLS);
    String body =
        "{\"title\":\"t\",\"cells\":[" + cells + "{\"type\":\"markdown\",\"text\":\"a\"}]}";

    ApiFixture.Reply reply = api.put("/api/notebooks/long", body);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).isEqualTo("cells: at most 100 cells, got 101");
  }

  @Test
  void aBodyOverTheLimitIsRefusedNamingBody() {
    String body =
        "{\"title\":\"t\",\"cells\":[{\"type\":\"markdown\",\"text\":\""
            + "x".repeat(Notebook.MAX_BYTES)
            + "\"}]}";

    ApiFixture.Reply reply = api.put("/api/notebooks/big", body);

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).isEqualTo("body: larger than 256 kB");
  }

  @Test
  void aTitleOverTheLimitIsRefused() {
    ApiFixture.Reply reply =
        api.put("/api/notebooks/t", "{\"title\":\"" + "t".repeat(201) + "\",\"cells\":[]}");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText())
        .isEqualTo("title: at most 200 characters, got 201");
  }

  @Test
  void pastTheCapOnNotebooksANewOneIsRefusedAndAStoredOneMayStillChange() {
    String empty = "{\"title\":\"t\",\"cells\":[]}";
    for (int i = 0; i < Notebook.MAX_NOTEBOOKS; i++) {
      assertThat(api.put("/api/notebooks/n" + i, empty).status()).isEqualTo(201);
    }

    ApiFixture.Reply refused = api.put("/api/notebooks/one-more", empty);

    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("error").asText())
        .isEqualTo("id: at most 100 notebooks may be stored; delete one before saving 'one-more'");
    assertThat(api.get("/api/notebooks/one-more").status()).isEqualTo(404);
    assertThat(api.put("/api/notebooks/n0", "{\"title\":\"changed\",\"cells\":[]}").status())
        .isEqualTo(200);
    assertThat(api.delete("/api/notebooks/n1").status()).isEqualTo(204);
    assertThat(api.put("/api/notebooks/one-more", empty).status()).isEqualTo(201);
  }
}
