package io.clickstream.api;

/**
 * A request the client has to change. The message is shown to the client and starts with the
 * parameter at fault.
 */
final class BadRequest extends RuntimeException {

  private final String parameter;
  private final String problem;

  BadRequest(String parameter, String problem) {
    // No stack trace: this is an answer, not a failure, and it is never logged.
    super(parameter + ": " + problem, null, false, false);
    this.parameter = parameter;
    this.problem = problem;
  }

  /** The parameter at fault, as the message names it. */
  String parameter() {
    return parameter;
  }

  /**
   * The same problem, naming the parameter by its path from an enclosing field, e.g. {@code
   * query.from} for the {@code from} of a comparison's {@code query}.
   */
  BadRequest within(String parent) {
    return new BadRequest(parent + "." + parameter, problem);
  }

  /** A text as an error shows it: one the client made up may be as long as its request. */
  static String shown(String text) {
    return text.length() > 100 ? text.substring(0, 100) + "…" : text;
  }
}
