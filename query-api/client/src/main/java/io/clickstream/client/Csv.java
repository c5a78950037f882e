package io.clickstream.client;

import java.util.List;

/** A table as CSV (RFC 4180): fields with a comma, quote or line break are quoted. */
final class Csv {

  private Csv() {}

  static String format(List<String> columns, List<List<Object>> rows) {
    StringBuilder out = new StringBuilder();
    line(out, List.copyOf(columns));
    for (List<Object> row : rows) {
      line(out, row);
    }
    return out.toString();
  }

  private static void line(StringBuilder out, List<?> cells) {
    for (int c = 0; c < cells.size(); c++) {
      String text = TextTable.text(cells.get(c));
      boolean quote = text.matches("(?s).*[\",\r\n].*");
      out.append(c == 0 ? "" : ",").append(quote ? '"' + text.replace("\"", "\"\"") + '"' : text);
    }
    out.append("\r\n");
  }
}
