package io.clickstream.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Sums the fields of a range's hashes per bucket and keeps the {@code limit} fields with the
 * largest totals apart, everything else summed into one rest, in bounded memory: at most {@link
 * ReadLimits#MAX_VALUES_SUMMED} totals and {@link #CELLS_IN_ONE_PASS} bucket sums at once, however
 * many values senders made up.
 *
 * <p>One pass when the per-bucket sums of every field seen fit in {@link #CELLS_IN_ONE_PASS}, the
 * usual case (a few values, a day by minute); else a first pass finds the totals and a second reads
 * the range again, summing per bucket only the fields chosen.
 */
final class TopSeries {

  /** Bucket sums (8 bytes each) kept while reading in one pass: 8 MB. */
  static final long CELLS_IN_ONE_PASS = 1_000_000;

  /**
   * @param field the hash field, as stored
   */
  record Sum(String field, long[] perBucket) {}

  /**
   * @param top the fields chosen, largest total first, then by field; none with a total of 0
   * @param rest per bucket, what the other fields counted; null when they counted nothing
   */
  record Result(List<Sum> top, long[] rest) {}

  private TopSeries() {}

  /**
   * @param read reads the range, giving each minute's hash to the visitor; called once or twice
   * @param alwaysRest fields that never count as a value of their own (the values over the cap)
   */
  static Result of(
      Consumer<RangeHashes.Visitor> read, int buckets, int limit, Predicate<String> alwaysRest) {
    Map<String, Long> totals = new HashMap<>();
    Map<String, long[]> perBucket = new HashMap<>();
    long[] rest = new long[buckets];
    boolean[] onePass = {true};
    read.accept(
        (bucket, fields) ->
            fields.forEach(
                (field, value) -> {
                  long count = Long.parseLong(value);
                  if (alwaysRest.test(field)
                      || (!totals.containsKey(field)
                          && totals.size() >= ReadLimits.MAX_VALUES_SUMMED)) {
                    rest[bucket] += count;
                    return;
                  }
                  totals.merge(field, count, Long::sum);
                  if (onePass[0]) {
                    if (!perBucket.containsKey(field)
                        && (perBucket.size() + 1L) * buckets > CELLS_IN_ONE_PASS) {
                      onePass[0] = false;
                      perBucket.clear();
                    } else {
                      perBucket.computeIfAbsent(field, f -> new long[buckets])[bucket] += count;
                    }
                  }
                }));
    List<String> chosen =
        totals.entrySet().stream()
            // A value's field at 0 only keeps the value admitted under the cap
            // (docs/redis-keys.md): no series.
            .filter(e -> e.getValue() != 0)
            .sorted(
                Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                    .thenComparing(Map.Entry.comparingByKey()))
            .limit(limit)
            .map(Map.Entry::getKey)
            .toList();
    if (onePass[0]) {
      Set<String> top = Set.copyOf(chosen);
      perBucket.forEach(
          (field, sums) -> {
            if (!top.contains(field)) {
              addInto(rest, sums);
            }
          });
      return result(chosen.stream().map(f -> new Sum(f, perBucket.get(f))).toList(), rest);
    }
    return secondPass(read, buckets, chosen);
  }

  private static Result secondPass(
      Consumer<RangeHashes.Visitor> read, int buckets, List<String> chosen) {
    Map<String, long[]> top =
        chosen.stream().collect(Collectors.toMap(f -> f, f -> new long[buckets]));
    long[] rest = new long[buckets];
    read.accept(
        (bucket, fields) ->
            fields.forEach(
                (field, value) -> {
                  long[] sums = top.get(field);
                  (sums == null ? rest : sums)[bucket] += Long.parseLong(value);
                }));
    return result(chosen.stream().map(f -> new Sum(f, top.get(f))).toList(), rest);
  }

  private static Result result(List<Sum> top, long[] rest) {
    return new Result(
        new ArrayList<>(top), Arrays.stream(rest).anyMatch(c -> c != 0) ? rest : null);
  }

  private static void addInto(long[] sums, long[] more) {
    for (int i = 0; i < sums.length; i++) {
      sums[i] += more[i];
    }
  }
}
