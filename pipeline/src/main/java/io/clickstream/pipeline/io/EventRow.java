package io.clickstream.pipeline.io;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.apache.hadoop.hbase.Cell;

/**
 * One cell of the events table as read: the row key, the region-server write time of the cell, the
 * raw JSON, why its bytes are not text, if they are not, and whether the row had been written
 * before.
 *
 * <p>Equality is over the contents of the row key (not the array identity), the write time, the
 * JSON, the problem and the flag. The same event written twice yields two cells that differ in
 * {@code writeTimeMillis}: the first is the event, the second a rewrite (docs/data-model.md).
 *
 * @param json the cell's text; where its bytes are not UTF-8, with U+FFFD in their place, for show
 * @param notText null, or why the bytes are not UTF-8 (such a row is refused as invalid: decoded
 *     leniently, two different rows could become one event)
 * @param rewrite whether the row has an older cell: then this one is not the event, whatever it
 *     holds
 */
public record EventRow(
    byte[] rowKey, long writeTimeMillis, String json, String notText, boolean rewrite)
    implements Serializable {

  private static final long serialVersionUID = 3L;

  public EventRow {
    Objects.requireNonNull(rowKey, "rowKey");
    Objects.requireNonNull(json, "json");
  }

  /** The first write of a row whose value is text. */
  public EventRow(byte[] rowKey, long writeTimeMillis, String json) {
    this(rowKey, writeTimeMillis, json, null, false);
  }

  /**
   * The row {@code rowKey} as one of its cells holds it: every reader of the events table makes
   * rows here.
   */
  public static EventRow of(byte[] rowKey, Cell cell) {
    return of(
        rowKey,
        cell.getTimestamp(),
        cell.getValueArray(),
        cell.getValueOffset(),
        cell.getValueLength());
  }

  /** This cell, known to be a later write of a row that was written before. */
  public EventRow asRewrite() {
    return new EventRow(rowKey, writeTimeMillis, json, notText, true);
  }

  /** A row's first write as read from HBase: its value decoded as strict UTF-8. */
  public static EventRow of(
      byte[] rowKey, long writeTimeMillis, byte[] value, int offset, int length) {
    CharsetDecoder strict =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = ByteBuffer.wrap(value, offset, length);
    try {
      return new EventRow(rowKey, writeTimeMillis, strict.decode(bytes).toString());
    } catch (CharacterCodingException e) {
      // The decoder stops at the first byte it cannot take (a buffer wrapped at offset counts from
      // 0).
      int at = bytes.position();
      String where =
          at < offset + length
              ? "byte 0x" + HexFormat.of().toHexDigits(value[at]) + " at offset " + (at - offset)
              : "a sequence cut short at the end";
      return new EventRow(
          rowKey,
          writeTimeMillis,
          new String(value, offset, length, StandardCharsets.UTF_8),
          "not UTF-8 text: " + where,
          false);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventRow other
        && writeTimeMillis == other.writeTimeMillis
        && Arrays.equals(rowKey, other.rowKey)
        && json.equals(other.json)
        && Objects.equals(notText, other.notText)
        && rewrite == other.rewrite;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(rowKey), writeTimeMillis, json, notText, rewrite);
  }

  @Override
  public String toString() {
    return "EventRow[rowKey="
        + printable(rowKey)
        + ", writeTimeMillis="
        + writeTimeMillis
        + ", json="
        + json
        + (notText == null ? "" : ", notText=" + notText)
        + (rewrite ? ", rewrite" : "")
        + "]";
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
