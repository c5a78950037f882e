package io.clickstream.api;

import io.clickstream.core.DimensionName;

/**
 * A dimension value as answers show it: {@code key} the value exactly as the events carried it, or
 * {@code (none)} with {@code missing} true for events that carried none, or {@code (other)} with
 * {@code other} true for the values over the cap on distinct values per minute
 * (docs/redis-keys.md), so that a literal {@code (none)} or {@code (other)} (both flags false) is
 * told apart.
 */
record DimensionKey(String key, boolean missing, boolean other) {

  /** A key that is one value, or the undivided total: neither missing nor other. */
  static DimensionKey of(String key) {
    return new DimensionKey(key, false, false);
  }

  /**
   * The value stored under a hash field ({@link DimensionName#field}), or the values over the cap.
   */
  static DimensionKey ofField(String field) {
    if (DimensionName.isOther(field)) {
      return new DimensionKey(DimensionName.OTHER, false, true);
    }
    String value = DimensionName.fromField(field);
    return value == null ? new DimensionKey(DimensionName.NONE, true, false) : of(value);
  }
}
