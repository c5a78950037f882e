package io.clickstream.api;

import io.clickstream.core.DimensionName;

/**
 * A dimension value as answers show it: {@code key} the value exactly as the events carried it, or
 * {@code (none)} with {@code missing} true for events that carried none, so that a literal
 * {@code (none)} (missing false) is told apart.
 */
record DimensionKey(String key, boolean missing) {

  /** The value stored under a hash field ({@link DimensionName#field}). */
  static DimensionKey ofField(String field) {
    String value = DimensionName.fromField(field);
    return value == null ? new DimensionKey(DimensionName.NONE, true) : new DimensionKey(value, false);
  }
}
