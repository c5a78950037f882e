package io.clickstream.api;

/**
 * A request the client has to change. The message is shown to the client and starts with the
 * parameter at fault.
 */
final class BadRequest extends RuntimeException {

  BadRequest(String parameter, String problem) {
    // No stack trace: this is an answer, not a failure, and it is never logged.
    super(parameter + ": " + problem, null, false, false);
  }
}
