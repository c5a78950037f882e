package io.clickstream.api;

import io.clickstream.core.funnel.InvalidFunnelException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import spark.Request;
import spark.Service;

/** Turns whatever goes wrong into a JSON error; the only place that decides error statuses. */
final class ErrorMapper {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  private ErrorMapper() {}

  static void install(Service http) {
    http.exception(BadRequest.class, (e, request, response) ->
        response.body(Json.write(response, 400, error(e.getMessage()))));
    http.exception(InvalidFunnelException.class, (e, request, response) ->
        response.body(Json.write(response, 400, error(e.getMessage()))));
    http.exception(Unauthorized.class, (e, request, response) -> {
      response.header("WWW-Authenticate", "Bearer");
      response.body(Json.write(response, 401, error(e.getMessage())));
    });
    http.exception(NotFound.class, (e, request, response) ->
        response.body(Json.write(response, 404, error(e.getMessage()))));
    http.exception(Exception.class, (e, request, response) -> {
      // The client learns nothing of the internals; the log gets the whole story.
      LOG.error("{} failed", describe(request), e);
      response.body(Json.write(response, 500, error("internal error")));
    });
    http.notFound((request, response) -> Json.write(response, 404, error("no route " + describe(request))));
  }

  private static String describe(Request request) {
    return request.requestMethod() + " " + request.pathInfo();
  }

  private static Map<String, String> error(String message) {
    return Map.of("error", message);
  }
}
