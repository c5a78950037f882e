package io.clickstream.api;

import io.clickstream.core.DimensionName;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelResultFields;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A funnel's totals summed from its results-hash fields ({@link FunnelResultFields}), however they
 * were read: from Redis for a saved funnel, from a preview's pipeline for an unsaved one, so that
 * both answer alike.
 */
final class FunnelTotals {

  private final FunnelDefinition funnel;
  private final String by;
  private final DimensionName byName;
  private final int n;
  private final long[] reached;
  private final long[] openAndDropped = new long[2];
  private final List<Map<Long, Long>> seconds = new ArrayList<>();
  private final Map<String, long[]> byValue = new HashMap<>();
  // The values over the cap, and those past MAX_VALUES_SUMMED, summed as they come.
  private final long[] rest;

  /**
   * @param by the breakdown asked for, or null
   */
  FunnelTotals(FunnelDefinition funnel, DimensionName by) {
    this.funnel = funnel;
    this.byName = by;
    this.by = by == null ? null : by.keyPart();
    this.n = funnel.stepCount();
    this.reached = new long[n];
    this.rest = new long[n];
    for (int j = 0; j < n; j++) {
      seconds.add(new HashMap<>());
    }
  }

  /** Adds one field's count. */
  void add(String name, long count) {
    FunnelResultFields.Field field = FunnelResultFields.decode(name);
    int step = stepOf(field, n);
    switch (field.kind()) {
      case REACHED -> addAt(reached, step, count);
      case IN_PROGRESS -> openAndDropped[0] += count;
      case DROPPED -> openAndDropped[1] += count;
      case SECONDS_TO_STEP -> {
        if (step >= 0) {
          seconds.get(step).merge(field.seconds(), count, Long::sum);
        }
      }
      case REACHED_BY -> {
        if (step >= 0 && field.dimension().equals(by)) {
          sumsOf(field.value())[step] += count;
        }
      }
      default -> {} // a field of another release: nothing this answer shows
    }
  }

  /**
   * @param limit how many breakdown rows besides {@code (other)}
   */
  FunnelResultsController.Totals totals(String from, String to, int limit) {
    return new FunnelResultsController.Totals(
        funnel.id(),
        funnel.version(),
        from,
        to,
        steps(),
        openAndDropped[0],
        openAndDropped[1],
        byName == null ? null : byName.wireName(),
        byName == null ? null : breakdown(limit));
  }

  private List<FunnelResultsController.StepResult> steps() {
    List<FunnelResultsController.StepResult> steps = new ArrayList<>(n);
    for (int j = 0; j < n; j++) {
      steps.add(
          new FunnelResultsController.StepResult(
              funnel.steps().get(j).event(),
              reached[j],
              ratio(reached[j], reached[0]),
              j == 0 ? ratio(reached[0], reached[0]) : ratio(reached[j], reached[j - 1]),
              j == 0 ? Long.valueOf(0) : lowerMedian(seconds.get(j))));
    }
    return steps;
  }

  /**
   * Where a value's counts per step go: its own sums, or {@code rest} for the values over the cap
   * and, once {@link ReadLimits#MAX_VALUES_SUMMED} values have sums, for any value not seen yet.
   */
  private long[] sumsOf(String field) {
    long[] sums = byValue.get(field);
    if (sums != null) {
      return sums;
    }
    if (DimensionName.isOther(field) || byValue.size() >= ReadLimits.MAX_VALUES_SUMMED) {
      return rest;
    }
    sums = new long[n];
    byValue.put(field, sums);
    return sums;
  }

  /**
   * The {@code limit} rows with the most results at step 1 (then by value), and one {@code (other)}
   * row, last, for the rest: the values over the cap and those past the top.
   */
  private List<FunnelResultsController.Breakdown> breakdown(int limit) {
    List<FunnelResultsController.Breakdown> rows =
        byValue.entrySet().stream()
            .map(
                e -> {
                  DimensionKey key = DimensionKey.ofField(e.getKey());
                  return new FunnelResultsController.Breakdown(
                      key.key(), key.missing(), key.other(), e.getValue());
                })
            .sorted(
                Comparator.comparingLong((FunnelResultsController.Breakdown b) -> -b.counts()[0])
                    .thenComparing(FunnelResultsController.Breakdown::key))
            .toList();
    List<FunnelResultsController.Breakdown> top =
        new ArrayList<>(rows.subList(0, Math.min(limit, rows.size())));
    long[] others = rest.clone();
    for (FunnelResultsController.Breakdown past : rows.subList(top.size(), rows.size())) {
      for (int j = 0; j < others.length; j++) {
        others[j] += past.counts()[j];
      }
    }
    if (Arrays.stream(others).anyMatch(c -> c != 0)) {
      top.add(new FunnelResultsController.Breakdown(DimensionName.OTHER, false, true, others));
    }
    return top;
  }

  /**
   * The lower median of a histogram seconds -> results: the ((N + 1) / 2)-th smallest; null when
   * empty.
   */
  static Long lowerMedian(Map<Long, Long> histogram) {
    long total = histogram.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return null;
    }
    long rank = (total + 1) / 2;
    long seen = 0;
    for (Map.Entry<Long, Long> e : new TreeMap<>(histogram).entrySet()) {
      seen += e.getValue();
      if (seen >= rank) {
        return e.getKey();
      }
    }
    throw new IllegalStateException("unreachable");
  }

  private static Double ratio(long part, long whole) {
    return whole == 0 ? null : (double) part / whole;
  }

  /** The 0-based index of a field's step, or -1 when it is not a step of the funnel. */
  static int stepOf(FunnelResultFields.Field field, int n) {
    return field.step() >= 1 && field.step() <= n ? field.step() - 1 : -1;
  }

  static void addAt(long[] sums, int index, long count) {
    if (index >= 0) {
      sums[index] += count;
    }
  }
}
