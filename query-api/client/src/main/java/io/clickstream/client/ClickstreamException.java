package io.clickstream.client;

/**
 * The server refused a query (a 4xx), a history job failed, or the server could not be reached. The
 * message is the server's, which names the field at fault ({@code "by: required: ..."}).
 */
public final class ClickstreamException extends RuntimeException {

  private final int status;
  private final String field;

  ClickstreamException(int status, String field, String message) {
    super(message);
    this.status = status;
    this.field = field;
  }

  ClickstreamException(String message, Throwable cause) {
    super(message, cause);
    this.status = -1;
    this.field = null;
  }

  /**
   * This error, raised by a query at {@code path} of a notebook ({@code cells[2].query}): its field
   * and message prefixed as the server names a stored query's fields.
   */
  ClickstreamException inCell(String path) {
    String named = field == null ? path : path + "." + field;
    return new ClickstreamException(
        status,
        named,
        field == null ? path + ": " + getMessage() : path + "." + getMessage(),
        this);
  }

  private ClickstreamException(int status, String field, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.field = field;
  }

  /** The HTTP status the server answered; -1 when there was no answer. */
  public int status() {
    return status;
  }

  /** The field the server named ({@code by}, {@code query.tz}), or null when it named none. */
  public String field() {
    return field;
  }
}
