package io.clickstream.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.core.funnel.FunnelFailure;
import java.util.List;
import java.util.Map;
import spark.Request;

/** {@code /api/funnels}: funnel definitions, read by anyone, written with the API token. */
final class FunnelsController {

  private final FunnelStore store;
  private final ApiToken token;

  FunnelsController(FunnelStore store, ApiToken token) {
    this.store = store;
    this.token = token;
  }

  /** The current definitions, sorted by id, each with its status. */
  List<JsonNode> list() {
    Map<String, FunnelFailure> failures = store.failures();
    return store.all().entrySet().stream()
        .map(e -> withStatus(Json.tree(e.getValue()), failures.get(e.getKey())))
        .toList();
  }

  /** The current definition, or the stored {@code ?version=N}, with its status. */
  JsonNode get(Request request) {
    String id = request.params(":id");
    return withStatus(
        Json.tree(store.definition(id, QueryParams.funnelVersion(request::queryParams))),
        store.failure(id));
  }

  /** Stores a definition: 201 when the funnel is new, 200 otherwise; the stored JSON either way. */
  Json.Answer put(Request request) {
    token.check(request);
    FunnelStore.Stored stored =
        store.put(
            QueryParams.funnelDefinition(
                request.contentLength(), request::bodyAsBytes, request.params(":id")));
    return new Json.Answer(
        stored.created() ? 201 : 200,
        withStatus(Json.tree(stored.json()), store.failure(request.params(":id"))));
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

  /**
   * The definition with {@code status}: {@code failed}, with the pipeline's reason under {@code
   * failure}, when the pipeline gave up on this very version; {@code active} otherwise.
   */
  private static JsonNode withStatus(JsonNode definition, FunnelFailure failure) {
    ObjectNode node = (ObjectNode) definition;
    if (failure != null && failure.version() == node.path("version").asInt()) {
      node.put("status", "failed");
      node.set("failure", failure.toNode());
    } else {
      node.put("status", "active");
    }
    return node;
  }
}
