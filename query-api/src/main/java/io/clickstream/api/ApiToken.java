package io.clickstream.api;

import spark.Request;

/** The bearer token writes must carry ({@code Authorization: Bearer TOKEN}). */
final class ApiToken {

  /** Null when none is configured and every write is refused. */
  private final BearerToken expected;

  ApiToken(String token) {
    this.expected = BearerToken.of(token);
  }

  /** Returns normally when the request carries the token; throws {@link Unauthorized} otherwise. */
  void check(Request request) {
    if (expected == null) {
      throw new Unauthorized(
          "writes are disabled: the server has no API token configured "
              + "(start it with --api-token or CLICKSTREAM_API_TOKEN)");
    }
    String shown = BearerToken.shown(request);
    if (shown == null) {
      throw new Unauthorized("missing Authorization: Bearer TOKEN header");
    }
    if (!expected.matches(shown)) {
      throw new Unauthorized("wrong API token");
    }
  }

  /** Whether the request carries the token; false when none is configured. */
  boolean carriedBy(Request request) {
    String shown = BearerToken.shown(request);
    return expected != null && shown != null && expected.matches(shown);
  }
}
