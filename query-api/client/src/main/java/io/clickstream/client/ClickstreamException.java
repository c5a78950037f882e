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

  /** The HTTP status the server answered; -1 when there was no answer. */
  public int status() {
    return status;
  }

  /** The field the server named ({@code by}, {@code query.tz}), or null when it named none. */
  public String field() {
    return field;
  }
}
