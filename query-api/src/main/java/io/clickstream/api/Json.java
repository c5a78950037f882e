package io.clickstream.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import spark.Request;
import spark.Response;
import spark.Route;

/** How every response body is written: JSON, with snake_case names from the Java records. */
final class Json {

  private static final String CONTENT_TYPE = "application/json";
  private static final ObjectMapper MAPPER =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private Json() {}

  /** A response with its status and headers; a null body answers with none (for 204). */
  record Answer(int status, Object body, Map<String, String> headers) {
    static final Answer NO_CONTENT = new Answer(204, null);

    Answer(int status, Object body) {
      this(status, body, Map.of());
    }
  }

  /** A route answering with the JSON form of what {@code handler} returns. */
  static Route route(Function<Request, Object> handler) {
    return (request, response) -> write(response, 200, handler.apply(request));
  }

  /**
   * A route answering with the status, headers and the JSON form of the body that {@code handler}
   * returns.
   */
  static Route answer(Function<Request, Answer> handler) {
    return (request, response) -> {
      Answer answer = handler.apply(request);
      answer.headers().forEach(response::header);
      if (answer.body() == null) {
        response.status(answer.status());
        return "";
      }
      return write(response, answer.status(), answer.body());
    };
  }

  /**
   * An epoch-millis value as ISO-8601 UTC, the form of every instant the API returns; null when
   * absent.
   */
  static String isoOfMillis(String millis) {
    return millis == null ? null : Instant.ofEpochMilli(Long.parseLong(millis)).toString();
  }

  /** JSON the API stored itself (a definition, a notebook), to answer as part of a body. */
  static JsonNode tree(String stored) {
    try {
      return MAPPER.readTree(stored);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code value} as a JSON object, to add fields to an answer a record holds. */
  static ObjectNode object(Object value) {
    return MAPPER.valueToTree(value);
  }

  static String write(Response response, int status, Object body) {
    response.status(status);
    response.type(CONTENT_TYPE);
    return text(body);
  }

  /** The JSON form of {@code body}, for an answer not written whole at once (a live stream). */
  static String text(Object body) {
    try {
      return MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
