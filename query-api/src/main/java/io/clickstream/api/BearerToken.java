package io.clickstream.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import spark.Request;

/** A secret that a request shows with {@code Authorization: Bearer SECRET}. */
final class BearerToken {

  private static final String SCHEME = "Bearer ";

  /** SHA-256 of the secret: compared in place of the secret itself, see {@link #matches}. */
  private final byte[] digest;

  private BearerToken(String secret) {
    this.digest = sha256(secret);
  }

  /** The token for {@code secret}, or null when there is none (null or blank). */
  static BearerToken of(String secret) {
    return secret == null || secret.isBlank() ? null : new BearerToken(secret);
  }

  /** The secret the request shows, or null when it has no {@code Authorization: Bearer} header. */
  static String shown(Request request) {
    String header = request.headers("Authorization");
    if (header == null || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return null;
    }
    return header.substring(SCHEME.length()).trim();
  }

  /**
   * Whether {@code shown} is this secret. Digests have one length whatever was sent, so the
   * comparison takes the same time for every wrong one.
   */
  boolean matches(String shown) {
    return MessageDigest.isEqual(digest, sha256(shown));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
