package io.clickstream.core.funnel;

/** A funnel definition that cannot be accepted; the message starts with the field at fault. */
public final class InvalidFunnelException extends RuntimeException {

  public InvalidFunnelException(String field, String problem) {
    super(field + ": " + problem, null, false, false);
  }
}
