package io.clickstream.api;

/** A write without the API token. The message is shown to the client and never contains a token. */
final class Unauthorized extends RuntimeException {

  Unauthorized(String message) {
    super(message, null, false, false);
  }
}
