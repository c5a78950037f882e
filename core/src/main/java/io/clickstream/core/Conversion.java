package io.clickstream.core;

/** The conversion an event marks, as carried in its {@code conversion} field. */
public enum Conversion {
  MICRO,
  MACRO;

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Returns the conversion for a wire value, or {@code null} when the value is not one. */
  public static Conversion fromWire(String value) {
    for (Conversion c : values()) {
      if (c.wireName().equals(value)) {
        return c;
      }
    }
    return null;
  }
}
