package io.clickstream.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How the dashboard draws a query's answer (docs/notebook.md, "Charts"): a type and the columns it
 * reads, by name. Small on purpose: every answer is also a table, so a chart only says which
 * columns make its axes.
 *
 * @param type {@code line}, {@code bar}, {@code funnel}, {@code sankey}, {@code histogram}, {@code
 *     table}
 * @param x the column along the horizontal axis
 * @param y the column of the values drawn
 * @param series the column whose values split the rows into one line (or bar group) each; null for
 *     one
 * @param label the column naming each x, when x itself is a number (a funnel's step)
 * @param compare the column of the previous period's values, drawn faintly beside {@code y}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ChartSpec(String type, String x, String y, String series, String label, String compare) {

  static ChartSpec line(String x, String y, String series) {
    return new ChartSpec("line", x, y, series, null, null);
  }

  static ChartSpec bar(String x, String y) {
    return new ChartSpec("bar", x, y, null, null, null);
  }

  static ChartSpec funnel(String x, String label, String y, String series) {
    return new ChartSpec("funnel", x, y, series, label, null);
  }

  /** A chart of another type with only its axes: {@code sankey}, {@code histogram}. */
  static ChartSpec of(String type, String x, String y) {
    return new ChartSpec(type, x, y, null, null, null);
  }

  /** No chart: the rows as they are. */
  static ChartSpec table() {
    return new ChartSpec("table", null, null, null, null, null);
  }

  /** The same chart, drawing {@code column} as the previous period's {@code y}. */
  ChartSpec comparedWith(String column) {
    return new ChartSpec(type, x, y, series, label, column);
  }
}
