package io.clickstream.pipeline.io;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One cell of the events table as read: the row key, the region-server write time of the cell, the
 * raw JSON.
 *
 * <p>Equality is over the contents of the row key (not the array identity), the write time and the
 * JSON. The same event written twice yields two rows that differ in {@code writeTimeMillis}.
 */
public record EventRow(byte[] rowKey, long writeTimeMillis, String json) implements Serializable {

  private static final long serialVersionUID = 1L;

  public EventRow {
    Objects.requireNonNull(rowKey, "rowKey");
    Objects.requireNonNull(json, "json");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventRow other
        && writeTimeMillis == other.writeTimeMillis
        && Arrays.equals(rowKey, other.rowKey)
        && json.equals(other.json);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(rowKey) + Long.hashCode(writeTimeMillis)) + json.hashCode();
  }

  @Override
  public String toString() {
    return "EventRow[rowKey=" + printable(rowKey) + ", writeTimeMillis=" + writeTimeMillis
        + ", json=" + json + "]";
  }

  /** The row key with the salt byte in hex and the rest as text ({@code 0x00} shown as '|'). */
  static String printable(byte[] key) {
    if (key.length == 0) {
      return "<empty>";
    }
    String rest = new String(key, 1, key.length - 1, StandardCharsets.UTF_8).replace('\0', '|');
    return HexFormat.of().toHexDigits(key[0]) + ":" + rest;
  }
}
