package io.clickstream.api;

/** The server is busy with as much as it takes on at once; the client should retry shortly. */
final class Overloaded extends RuntimeException {

  Overloaded(String message) {
    // No stack trace: an answer under load, where building traces would only add to the load.
    super(message, null, false, false);
  }
}
