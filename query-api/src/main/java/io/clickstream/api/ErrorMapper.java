package io.clickstream.api;

import io.clickstream.core.funnel.InvalidFunnelException;
import java.util.Map;
import java.util.NoSuchElementException;
import org.eclipse.jetty.http.BadMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import spark.Request;
import spark.Response;
import spark.Service;

/** Turns whatever goes wrong into a JSON error; the only place that decides error statuses. */
final class ErrorMapper {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  private ErrorMapper() {}

  static void install(Service http) {
    http.exception(
        BadRequest.class,
        (e, request, response) -> response.body(Json.write(response, 400, error(e.getMessage()))));
    // Jetty parses the query string only when a parameter is first asked for, so a malformed one
    // (a lone %, bytes that are not UTF-8) surfaces inside a route: the client's mistake, a 4xx.
    http.exception(
        BadMessageException.class,
        (e, request, response) ->
            response.body(
                Json.write(
                    response,
                    e.getCode() >= 400 && e.getCode() < 500 ? e.getCode() : 400,
                    error("the request could not be read: " + e.getReason()))));
    http.exception(
        InvalidFunnelException.class,
        (e, request, response) -> response.body(Json.write(response, 400, error(e.getMessage()))));
    http.exception(
        Unauthorized.class,
        (e, request, response) -> {
          response.header("WWW-Authenticate", "Bearer");
          response.body(Json.write(response, 401, error(e.getMessage())));
        });
    http.exception(
        ForbiddenHost.class,
        (e, request, response) -> response.body(Json.write(response, 403, error(e.getMessage()))));
    http.exception(
        NotFound.class,
        (e, request, response) -> response.body(Json.write(response, 404, error(e.getMessage()))));
    // Redis restarting (refusing connections, then LOADING its append-only file) is an outage the
    // client can wait out: 503 with Retry-After, and the pool reconnects by itself once Redis is
    // back.
    http.exception(
        JedisConnectionException.class,
        (e, request, response) -> redisUnavailable(request, response, e));
    http.exception(
        Overloaded.class,
        (e, request, response) -> {
          response.header("Retry-After", "1");
          response.body(Json.write(response, 503, error(e.getMessage())));
        });
    // The pool lends no connection within its wait: every one is busy, which a client can wait out.
    http.exception(
        JedisException.class,
        (e, request, response) -> {
          if (e.getCause() instanceof NoSuchElementException) {
            LOG.warn("{}: no Redis connection free: {}", describe(request), e.getMessage());
            response.header("Retry-After", "1");
            response.body(Json.write(response, 503, error("busy: retry shortly")));
          } else {
            internalError(request, response, e);
          }
        });
    http.exception(
        JedisDataException.class,
        (e, request, response) -> {
          if (e.getMessage() != null && e.getMessage().startsWith("LOADING")) {
            redisUnavailable(request, response, e);
          } else {
            internalError(request, response, e);
          }
        });
    http.exception(Exception.class, (e, request, response) -> internalError(request, response, e));
    http.notFound(
        (request, response) -> Json.write(response, 404, error("no route " + describe(request))));
  }

  private static void redisUnavailable(Request request, Response response, Exception e) {
    LOG.warn("{}: Redis unavailable: {}", describe(request), e.getMessage());
    response.header("Retry-After", "1");
    response.body(
        Json.write(response, 503, error("Redis is unavailable (restarting?): retry shortly")));
  }

  private static void internalError(Request request, Response response, Exception e) {
    // The client learns nothing of the internals; the log gets the whole story.
    LOG.error("{} failed", describe(request), e);
    response.body(Json.write(response, 500, error("internal error")));
  }

  private static String describe(Request request) {
    return request.requestMethod() + " " + request.pathInfo();
  }

  private static Map<String, String> error(String message) {
    return Map.of("error", message);
  }
}
