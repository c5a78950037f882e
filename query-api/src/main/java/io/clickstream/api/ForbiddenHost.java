package io.clickstream.api;

/** A request naming a host the server does not answer to. The message is shown to the client. */
final class ForbiddenHost extends RuntimeException {

  ForbiddenHost(String message) {
    super(message, null, false, false);
  }
}
