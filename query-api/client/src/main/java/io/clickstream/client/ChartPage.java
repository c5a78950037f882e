package io.clickstream.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An answer as one HTML page that loads nothing: its chart drawn by D3 and its table. D3 is the
 * dashboard's own copy (web/pom.xml bundles it into the web jar under {@code /public/vendor}),
 * inlined: read from the class path when the web jar is on it (the launcher's, so {@code
 * ./analytics notebook}), else from the server, which serves the dashboard's files.
 */
final class ChartPage {

  private ChartPage() {}

  static String html(JsonNode answer, Api api) {
    String type = answer.path("chart").path("type").asText("table");
    String title = title(answer);
    StringBuilder page = new StringBuilder();
    page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>")
        .append(escape(title))
        .append("</title>\n<style>\n")
        .append(resource("chart.css"))
        .append("</style>\n</head>\n<body>\n<h1>")
        .append(escape(title))
        .append("</h1>\n<div id=\"chart\"></div>\n")
        .append(table(answer))
        .append("\n");
    if (!type.equals("table")) {
      script(page, vendor("d3.min.js", api));
      if (type.equals("sankey")) {
        script(page, vendor("d3-sankey.min.js", api));
      }
      // "</" inside a script would end it: JSON may carry "<\/" for it instead.
      script(page, "const answer = " + answer.toString().replace("</", "<\\/") + ";");
      script(page, resource("chart.js"));
    }
    return page.append("</body>\n</html>\n").toString();
  }

  private static String title(JsonNode answer) {
    JsonNode meta = answer.path("meta");
    StringBuilder title = new StringBuilder(meta.path("kind").asText("result"));
    for (String field : List.of("funnel", "event", "after", "before", "user", "by")) {
      if (meta.path(field).isTextual()) {
        title.append(' ').append(field).append(' ').append(meta.get(field).asText());
      }
    }
    if (meta.path("from").isTextual() && meta.path("to").isTextual()) {
      title
          .append(", ")
          .append(meta.get("from").asText())
          .append(" to ")
          .append(meta.get("to").asText());
    }
    return title.toString();
  }

  private static String table(JsonNode answer) {
    StringBuilder html = new StringBuilder("<table>\n<thead><tr>");
    for (JsonNode column : answer.path("columns")) {
      html.append("<th>").append(escape(column.asText())).append("</th>");
    }
    html.append("</tr></thead>\n<tbody>\n");
    for (JsonNode row : answer.path("rows")) {
      html.append("<tr>");
      for (JsonNode cell : row) {
        String text = cell.isNull() ? "" : cell.isValueNode() ? cell.asText() : cell.toString();
        html.append(cell.isNumber() ? "<td class=\"n\">" : "<td>")
            .append(escape(text))
            .append("</td>");
      }
      html.append("</tr>\n");
    }
    return html.append("</tbody>\n</table>").toString();
  }

  private static void script(StringBuilder page, String code) {
    page.append("<script>\n").append(code).append("\n</script>\n");
  }

  /** A file of the dashboard's {@code /vendor}: from the class path, else from the server. */
  static String vendor(String file, Api api) {
    String onClassPath = read("/public/vendor/" + file);
    if (onClassPath != null) {
      return onClassPath;
    }
    if (api == null) {
      throw new ClickstreamException(
          "/public/vendor/"
              + file
              + " (the web jar) is not on the class path, and there is no"
              + " server to read it from",
          null);
    }
    return api.text("/vendor/" + file);
  }

  private static String resource(String name) {
    String text = read(name);
    if (text == null) {
      throw new IllegalStateException(name + " is missing from the client's jar");
    }
    return text;
  }

  private static String read(String name) {
    try (InputStream in = ChartPage.class.getResourceAsStream(name)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
