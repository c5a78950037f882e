package io.clickstream.core;

/** Either a valid {@link Event} or the reason the input was rejected; exactly one is non-null. */
public record ParseResult(Event event, String error) {

  public static ParseResult ok(Event event) {
    return new ParseResult(event, null);
  }

  public static ParseResult rejected(String error) {
    return new ParseResult(null, error);
  }

  public boolean isOk() {
    return event != null;
  }
}
