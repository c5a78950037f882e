package io.clickstream.api;

/** A resource the request names does not exist. The message is shown to the client. */
final class NotFound extends RuntimeException {

  NotFound(String message) {
    super(message, null, false, false);
  }
}
