package io.clickstream.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The stored notebooks ({@code GET /api/notebooks}): {@code cs.notebooks().list().show()}. */
public final class Notebooks {

  private final Api api;

  Notebooks(Api api) {
    this.api = api;
  }

  /** Their ids and titles, sorted by id, as a table: {@code show()}, {@code rows()}. */
  public Result list() {
    List<List<Object>> rows = new ArrayList<>();
    for (JsonNode listed : api.read("/api/notebooks")) {
      rows.add(List.of(listed.path("id").asText(), listed.path("title").asText()));
    }
    return Result.table(List.of("id", "title"), rows, Map.of("kind", "notebooks"), null);
  }

  /** Prints {@link #list}. */
  public void show() {
    list().show();
  }
}
