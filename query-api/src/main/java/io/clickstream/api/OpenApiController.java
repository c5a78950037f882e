package io.clickstream.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import spark.Route;

/**
 * {@code GET /api/openapi.json}: the OpenAPI 3.1 document of every route, a resource kept beside
 * this class and checked against the routes Spark has installed ({@code
 * OpenApiDocumentsEveryRouteTest}).
 */
final class OpenApiController {

  static final String RESOURCE = "openapi.json";

  private final String document = load();

  /** The document as stored: it is already JSON, so it is answered without parsing it again. */
  Route route() {
    return (request, response) -> {
      response.type("application/json");
      return document;
    };
  }

  static String load() {
    try (InputStream in = OpenApiController.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
