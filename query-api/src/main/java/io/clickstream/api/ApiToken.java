package io.clickstream.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import spark.Request;

/** The bearer token writes must carry ({@code Authorization: Bearer TOKEN}). */
final class ApiToken {

  private static final String SCHEME = "Bearer ";

  /** SHA-256 of the token, or null when none is configured and every write is refused. */
  private final byte[] expectedDigest;

  ApiToken(String token) {
    this.expectedDigest = token == null ? null : sha256(token);
  }

  /** Returns normally when the request carries the token; throws {@link Unauthorized} otherwise. */
  void check(Request request) {
    if (expectedDigest == null) {
      throw new Unauthorized(
          "writes are disabled: the server has no API token configured "
              + "(start it with --api-token or CLICKSTREAM_API_TOKEN)");
    }
    String header = request.headers("Authorization");
    if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      throw new Unauthorized("missing Authorization: Bearer TOKEN header");
    }
    // Digests have one length whatever was sent, so the comparison takes the same time for every
    // wrong token.
    if (!MessageDigest.isEqual(expectedDigest, sha256(header.substring(SCHEME.length()).trim()))) {
      throw new Unauthorized("wrong API token");
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
