package io.clickstream.api;

/**
 * A write without the API token, or a read without the read token when the server has one. The
 * message is shown to the client and never contains a token.
 */
final class Unauthorized extends RuntimeException {

  Unauthorized(String message) {
    super(message, null, false, false);
  }
}
