package io.clickstream.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code compare} query's answer: the query's table over its range, each row with the count of
 * the same row over the previous period and the change (docs/notebook.md, "compare").
 *
 * <p>Rows are matched by their key columns, a bucket's time {@code t} by its position: the third
 * hour of the range with the third hour of the period before, as the periods' clocks differ.
 */
final class Comparison {

  private Comparison() {}

  /**
   * The current table's key columns and {@code count}, then {@code previous}, {@code delta} and
   * {@code delta_ratio}; the other measures (a funnel's conversions) are left out.
   */
  static QueryTable of(QueryTable current, QueryTable previous, QueryParams.Range before) {
    int t = current.columns().indexOf("t");
    int other = current.columns().indexOf("other");
    Map<List<Object>, Long> earlier = new HashMap<>();
    Set<Object> earlierBuckets = new HashSet<>();
    boolean earlierHasRest = false;
    for (List<Object> row : matchable(previous.rows(), t, current.keys())) {
      earlier.put(row.subList(0, current.keys()), (Long) row.get(current.keys()));
      earlierBuckets.add(t < 0 ? null : row.get(t));
      earlierHasRest |= other >= 0 && Boolean.TRUE.equals(row.get(other));
    }
    List<List<Object>> rows = new ArrayList<>();
    List<List<Object>> matchable = matchable(current.rows(), t, current.keys());
    for (int r = 0; r < current.rows().size(); r++) {
      List<Object> key = matchable.get(r).subList(0, current.keys());
      long count = (Long) current.rows().get(r).get(current.keys());
      Long was = earlier.get(key);
      // A row the previous period lacks counted 0 there, unless its value may be in (other) or
      // the period has no such bucket (a day with an hour less): then it is unknown.
      if (was == null && !earlierHasRest && earlierBuckets.contains(t < 0 ? null : key.get(t))) {
        was = 0L;
      }
      List<Object> row = new ArrayList<>(current.rows().get(r).subList(0, current.keys() + 1));
      row.add(was);
      row.add(was == null ? null : count - was);
      row.add(was == null || was == 0 ? null : (double) (count - was) / was);
      rows.add(row);
    }
    List<String> columns = new ArrayList<>(current.columns().subList(0, current.keys() + 1));
    columns.addAll(List.of("previous", "delta", "delta_ratio"));
    Map<String, Object> meta = new LinkedHashMap<>(current.meta());
    meta.put("with", QueryRequest.PREVIOUS);
    meta.put("previous_from", before.from().toString());
    meta.put("previous_to", before.to().toString());
    return new QueryTable(
        columns, current.keys(), rows, current.chart().comparedWith("previous"), meta);
  }

  /** The rows with each bucket's time replaced by its position among the table's buckets. */
  private static List<List<Object>> matchable(List<List<Object>> rows, int t, int keys) {
    if (t < 0) {
      return rows;
    }
    Map<Object, Integer> positions = new HashMap<>();
    List<List<Object>> matchable = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      List<Object> copy = new ArrayList<>(row.subList(0, keys + 1));
      copy.set(t, positions.computeIfAbsent(row.get(t), time -> positions.size()));
      matchable.add(copy);
    }
    return matchable;
  }
}
