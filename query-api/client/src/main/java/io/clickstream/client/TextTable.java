package io.clickstream.client;

import java.util.ArrayList;
import java.util.List;

/** A table as aligned text: numbers to the right, the rest to the left, at most 100 rows. */
final class TextTable {

  static final int MAX_ROWS = 100;

  private TextTable() {}

  static String format(List<String> columns, List<List<Object>> rows) {
    List<List<Object>> shown = rows.subList(0, Math.min(rows.size(), MAX_ROWS));
    int[] widths = new int[columns.size()];
    boolean[] numeric = new boolean[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      widths[c] = columns.get(c).length();
      numeric[c] = !shown.isEmpty();
    }
    List<List<String>> cells = new ArrayList<>();
    for (List<Object> row : shown) {
      List<String> line = new ArrayList<>();
      for (int c = 0; c < columns.size(); c++) {
        Object value = c < row.size() ? row.get(c) : null;
        String text = text(value);
        numeric[c] &= value == null || value instanceof Number;
        widths[c] = Math.max(widths[c], text.length());
        line.add(text);
      }
      cells.add(line);
    }
    StringBuilder out = new StringBuilder();
    line(out, columns, widths, numeric);
    List<String> rule = new ArrayList<>();
    for (int width : widths) {
      rule.add("-".repeat(width));
    }
    line(out, rule, widths, numeric);
    for (List<String> line : cells) {
      line(out, line, widths, numeric);
    }
    if (rows.size() > shown.size()) {
      out.append("... ").append(rows.size() - shown.size()).append(" more rows\n");
    }
    out.append("(").append(rows.size()).append(rows.size() == 1 ? " row)\n" : " rows)\n");
    return out.toString();
  }

  private static void line(StringBuilder out, List<String> cells, int[] widths, boolean[] right) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      String pad = " ".repeat(widths[c] - cell.length());
      line.append(c == 0 ? "" : "  ").append(right[c] ? pad + cell : cell + pad);
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  static String text(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof java.util.Map<?, ?> || value instanceof List<?>) {
      return Api.MAPPER.valueToTree(value).toString();
    }
    return value.toString();
  }
}
