package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The starter notebook the dashboard ships ({@code /notebooks/where-do-customers-drop-off.json}) is
 * one the API stores as it is, and its live cells are queries the API answers.
 */
class StarterNotebookTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final String ID = "where-do-customers-drop-off";

  @Test
  void theShippedStarterNotebookIsStoredAsItIsAndItsLiveQueriesAnswer() {
    ApiFixture.Reply file = api.get("/notebooks/" + ID + ".json");
    assertThat(file.status()).isEqualTo(200);

    ApiFixture.Reply stored = api.put("/api/notebooks/" + ID, file.text());

    assertThat(stored.status()).as(stored.text()).isEqualTo(201);
    assertThat(stored.json().get("cells")).isEqualTo(file.json().get("cells"));
    int live = 0;
    for (JsonNode cell : file.json().get("cells")) {
      if (cell.path("live").asBoolean()) {
        ApiFixture.Reply answer = api.post("/api/query", cell.get("query").toString());
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        live++;
      }
    }
    assertThat(live).isPositive();
  }
}
