package io.clickstream.core;

import java.util.Locale;

/** The breakdown dimensions every count is kept by. */
public enum Dimension {
  SOURCE,
  PARTNER,
  CAMPAIGN;

  /** What a missing value counts as, everywhere. */
  public static final String NONE = "(none)";

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Returns the dimension for a wire value, or {@code null} when the value is not one. */
  public static Dimension fromWire(String value) {
    for (Dimension d : values()) {
      if (d.wireName().equals(value)) {
        return d;
      }
    }
    return null;
  }

  public static String valueOrNone(String value) {
    return value == null ? NONE : value;
  }
}
