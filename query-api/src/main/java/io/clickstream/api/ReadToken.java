package io.clickstream.api;

import spark.Request;

/**
 * The bearer token reads must carry when the server has one ({@code --read-token}): for an API
 * exposed beyond loopback, whose data is nobody else's business. The API token, which may write,
 * may read too.
 */
final class ReadToken {

  /** Null when reads are open. */
  private final BearerToken expected;

  private final ApiToken writes;

  ReadToken(String token, ApiToken writes) {
    this.expected = BearerToken.of(token);
    this.writes = writes;
  }

  /**
   * Returns normally when reads are open or the request carries the read or the API token; throws
   * {@link Unauthorized} otherwise.
   */
  void check(Request request) {
    if (expected == null) {
      return;
    }
    String shown = BearerToken.shown(request);
    if (shown == null) {
      throw new Unauthorized(
          "reads need the read token: missing Authorization: Bearer TOKEN header");
    }
    if (!expected.matches(shown) && !writes.carriedBy(request)) {
      throw new Unauthorized("wrong read token");
    }
  }
}
