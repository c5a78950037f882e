package io.clickstream.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One answer of the query model: a table ({@link #columns}, {@link #rows}), the chart to draw it as
 * and what the query resolved to ({@link #meta}). Show it, take its rows, write it as CSV or as an
 * HTML page with its chart.
 */
public final class Result {

  private final ObjectNode answer;
  private final List<String> columns;
  private final List<List<Object>> rows;
  private final Api api;

  Result(JsonNode answer, Api api) {
    this.answer = (ObjectNode) answer;
    this.columns =
        Api.MAPPER.convertValue(answer.path("columns"), new TypeReference<List<String>>() {});
    List<List<Object>> table = new ArrayList<>();
    for (JsonNode row : answer.path("rows")) {
      table.add(Api.MAPPER.convertValue(row, new TypeReference<List<Object>>() {}));
    }
    this.rows = List.copyOf(table);
    this.api = api;
  }

  /**
   * A table made here rather than answered by a server (Interactive Beam's), drawn as a table.
   *
   * @param meta what the table is of, shown by nothing but {@link #meta}
   */
  public static Result of(List<String> columns, List<List<Object>> rows, Map<String, ?> meta) {
    return table(columns, rows, meta, "history");
  }

  /** A table drawn as a table; {@code source} null when it is of neither live nor history data. */
  static Result table(
      List<String> columns, List<List<Object>> rows, Map<String, ?> meta, String source) {
    ObjectNode answer = Api.MAPPER.createObjectNode();
    answer.set("columns", Api.MAPPER.valueToTree(columns));
    answer.set("rows", Api.MAPPER.valueToTree(rows));
    answer.putObject("chart").put("type", "table");
    answer.set("meta", Api.MAPPER.valueToTree(meta));
    if (source != null) {
      answer.put("source", source);
    }
    return new Result(answer, null);
  }

  public List<String> columns() {
    return columns;
  }

  /** The rows, each in the order of {@link #columns}: strings, numbers, booleans, nulls, maps. */
  public List<List<Object>> rows() {
    return rows;
  }

  /** How to draw the rows: {@code {"type":"line","x":"t","y":"count","series":"key"}}. */
  public JsonNode chart() {
    return answer.path("chart");
  }

  /** The query as the server resolved it: its kind, range and the like. */
  public JsonNode meta() {
    return answer.path("meta");
  }

  /** {@code live} (Redis) or {@code history} (HBase). */
  public String source() {
    return answer.path("source").asText();
  }

  /** The whole answer as the server sent it. */
  public JsonNode json() {
    return answer;
  }

  /** Prints the rows as an aligned table on standard output. */
  public void show() {
    show(System.out);
  }

  public void show(PrintStream out) {
    out.print(TextTable.format(columns, rows));
    out.flush();
  }

  /** The rows as CSV (RFC 4180): a header, then a line per row. */
  public String toCsv() {
    return Csv.format(columns, rows);
  }

  /**
   * Writes an HTML page with the chart, drawn by D3, and the table: one file with everything in it,
   * which loads nothing from anywhere.
   *
   * @return the file written
   */
  public Path chart(String path) {
    return chart(Path.of(path));
  }

  public Path chart(Path path) {
    try {
      Files.writeString(path, ChartPage.html(answer, api));
      return path;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  @Override
  public String toString() {
    return meta().path("kind").asText("result") + ": " + rows.size() + " rows of " + columns;
  }
}
