package io.clickstream.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import spark.Request;

/**
 * {@code /api/notebooks}: notebooks, read as everything else is, written with the API token as
 * funnel definitions are.
 */
final class NotebooksController {

  record Listed(String id, String title) {}

  private final NotebookStore store;
  private final ApiToken token;

  NotebooksController(NotebookStore store, ApiToken token) {
    this.store = store;
    this.token = token;
  }

  /** The stored notebooks' ids and titles, sorted by id. */
  List<Listed> list() {
    return store.titles().entrySet().stream()
        .map(e -> new Listed(e.getKey(), e.getValue()))
        .toList();
  }

  JsonNode get(Request request) {
    return Json.tree(store.get(request.params(":id")));
  }

  /**
   * Stores a notebook: 201 when it is new, 200 when it replaced one; the stored JSON either way.
   */
  Json.Answer put(Request request) {
    token.check(request);
    NotebookStore.Stored stored =
        store.put(
            QueryParams.notebook(
                request.contentLength(), request::bodyAsBytes, request.params(":id")));
    return new Json.Answer(stored.created() ? 201 : 200, Json.tree(stored.json()));
  }

  Json.Answer delete(Request request) {
    token.check(request);
    String id = request.params(":id");
    if (!store.delete(id)) {
      throw new NotFound("no notebook '" + BadRequest.shown(id) + "'");
    }
    return Json.Answer.NO_CONTENT;
  }
}
