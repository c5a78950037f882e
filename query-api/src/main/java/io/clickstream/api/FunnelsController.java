package io.clickstream.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.List;
import spark.Request;

/** {@code /api/funnels}: funnel definitions, read by anyone, written with the API token. */
final class FunnelsController {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final FunnelStore store;
  private final ApiToken token;

  FunnelsController(FunnelStore store, ApiToken token) {
    this.store = store;
    this.token = token;
  }

  /** The current definitions, sorted by id. */
  List<JsonNode> list() {
    return store.all().values().stream().map(FunnelsController::tree).toList();
  }

  /** The current definition, or the stored {@code ?version=N}. */
  JsonNode get(Request request) {
    return tree(store.definition(request.params(":id"), QueryParams.funnelVersion(request::queryParams)));
  }

  /** Stores a definition: 201 when the funnel is new, 200 otherwise; the stored JSON either way. */
  Json.Answer put(Request request) {
    token.check(request);
    FunnelStore.Stored stored = store.put(
        QueryParams.funnelDefinition(request.contentLength(), request::bodyAsBytes, request.params(":id")));
    return new Json.Answer(stored.created() ? 201 : 200, tree(stored.json()));
  }

  /** Stops counting a funnel (204); its versions and results stay readable. */
  Json.Answer delete(Request request) {
    token.check(request);
    String id = request.params(":id");
    if (!store.delete(id)) {
      throw new NotFound("no funnel '" + id + "'");
    }
    return Json.Answer.NO_CONTENT;
  }

  private static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
