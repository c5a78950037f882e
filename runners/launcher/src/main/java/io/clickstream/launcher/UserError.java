package io.clickstream.launcher;

/**
 * A failure the user can fix (a bad argument, no server to talk to): reported as one line, {@code
 * error: <message>}, without a stack trace, and exit code {@link Analytics#EXIT_ERROR}.
 */
final class UserError extends RuntimeException {

  UserError(String message) {
    super(message, null, false, false);
  }

  UserError(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
