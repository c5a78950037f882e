package io.clickstream.pipeline.oracle;

import io.clickstream.core.DimensionName;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelResultFields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares Redis's counts with the oracle's when the distinct values per dimension and minute are
 * capped (docs/redis-keys.md, "The cap on distinct values"). Which values of a minute got fields of
 * their own depends on the order they arrived in, which the oracle cannot know; so for a
 * dimension's hash it checks what the rule guarantees whatever the order, and every other count
 * exactly:
 *
 * <ul>
 *   <li>the missing value's count is the oracle's;
 *   <li>there are at most cap value fields, and exactly cap when {@code (other)} holds anything: a
 *       value is refused only by a full hash, and a value field is never deleted;
 *   <li>each value field holds the oracle's count for its value (0 for a value the oracle does not
 *       count there: one that counted only while a session's first touch or minute was another);
 *   <li>{@code (other)} holds the oracle's counts of every value without a field.
 * </ul>
 *
 * <p>A funnel results hash is capped per breakdown dimension, and a value is admitted at every step
 * by its step-1 field: so each dimension and step of it is checked as such a hash, with the values
 * of step 1's fields as the admitted ones.
 *
 * <p>So when the oracle has at most cap values in a hash, Redis equals it exactly unless a value
 * that counted only for a while took a field. Written from the docs, like {@link BatchOracle}.
 *
 * <p>The cap on distinct event names (docs/redis-keys.md, "The cap on distinct event names") is
 * checked the same way: which names the catalog admitted is taken from Redis ({@link
 * #eventNameMismatches} checks what the rule guarantees of them), and {@link
 * BatchOracle.Expected#withEventNamesAdmitted} says what Redis must then hold, exactly.
 */
public final class CappedCounts {

  private CappedCounts() {}

  /**
   * What differs between the oracle's counts and Redis's, one line each; empty when they agree.
   *
   * @param expected the oracle's counts, {@code key + "\n" + field -> n}
   * @param redis every count field in Redis as such, fields at 0 included (they are admitted
   *     values)
   */
  public static List<String> mismatches(
      Map<String, Long> expected, Map<String, Long> redis, int cap) {
    Map<String, Map<String, Long>> want = byKey(expected);
    Map<String, Map<String, Long>> got = byKey(redis);
    splitBreakdowns(want);
    splitBreakdowns(got);
    expectRollupsToBeTheirMinutes(want, got);
    Set<String> keys = new TreeSet<>(want.keySet());
    keys.addAll(got.keySet());
    List<String> mismatches = new ArrayList<>();
    for (String key : keys) {
      Map<String, Long> w = want.getOrDefault(key, Map.of());
      Map<String, Long> g = got.getOrDefault(key, Map.of());
      if (!isCapped(key)) {
        if (!nonZero(w).equals(nonZero(g))) {
          mismatches.add(key + ": expected " + nonZero(w) + ", Redis has " + nonZero(g));
        }
        continue;
      }
      Set<String> admitted = new HashSet<>(got.getOrDefault(admittingHash(key), Map.of()).keySet());
      admitted.remove(DimensionName.NONE);
      admitted.remove(DimensionName.OTHER);
      long other = g.getOrDefault(DimensionName.OTHER, 0L);
      long expectedOther = 0;
      for (Map.Entry<String, Long> v : w.entrySet()) {
        if (!v.getKey().equals(DimensionName.NONE) && !admitted.contains(v.getKey())) {
          expectedOther += v.getValue();
        }
      }
      List<String> wrong = new ArrayList<>();
      if (w.getOrDefault(DimensionName.NONE, 0L).longValue()
          != g.getOrDefault(DimensionName.NONE, 0L)) {
        wrong.add(DimensionName.NONE);
      }
      for (String value : admitted) {
        if (w.getOrDefault(value, 0L).longValue() != g.getOrDefault(value, 0L)) {
          wrong.add(value);
        }
      }
      for (String value : g.keySet()) {
        if (!value.equals(DimensionName.NONE)
            && !value.equals(DimensionName.OTHER)
            && !admitted.contains(value)) {
          wrong.add(value + " (a field without the step-1 field that admits it)");
        }
      }
      if (other != expectedOther) {
        wrong.add(DimensionName.OTHER + " (expected " + expectedOther + ")");
      }
      // A rollup's (other) also holds its minutes' (other), so it may hold counts before it is
      // full.
      if (admitted.size() > cap
          || (other > 0 && admitted.size() != cap && !ROLLUP.matcher(key).matches())) {
        wrong.add(admitted.size() + " value fields under a cap of " + cap);
      }
      if (!wrong.isEmpty()) {
        mismatches.add(
            key + ": " + wrong + " wrong; expected " + w + ", Redis has " + new TreeMap<>(g));
      }
    }
    return mismatches;
  }

  /**
   * What is wrong with the event names a catalog admitted under a cap of {@code cap}, one line
   * each; empty when nothing is. Which names it admitted depends on their order, but not how many:
   * every name arrives, and one is refused only by a full catalog, which then keeps the overflow's
   * name besides.
   *
   * @param expected the names the oracle counts
   * @param catalog the names in Redis's catalog ({@code cs:catalog:first})
   */
  public static List<String> eventNameMismatches(
      Set<String> expected, Set<String> catalog, int cap) {
    Set<String> admitted = new TreeSet<>(catalog);
    boolean overflow = admitted.remove(RedisKeys.CATALOG_OTHER_EVENTS);
    List<String> mismatches = new ArrayList<>();
    if (!expected.containsAll(admitted)) {
      mismatches.add("names the oracle does not count: " + admitted + " against " + expected);
    }
    if (admitted.size() != Math.min(cap, expected.size())) {
      mismatches.add(
          admitted.size() + " names admitted of " + expected.size() + " under a cap of " + cap);
    }
    if (overflow != expected.size() > cap) {
      mismatches.add("the overflow's catalog entry " + (overflow ? "is there" : "is missing"));
    }
    return mismatches;
  }

  /**
   * How many of the oracle's dimension hashes, and of its funnel breakdowns by dimension and step,
   * have more than {@code cap} values: the ones the cap changes.
   */
  public static long hashesOverTheCap(Map<String, Long> expected, int cap) {
    return overTheCap(expected, cap).size();
  }

  /** As {@link #hashesOverTheCap}, of funnel breakdowns only. */
  public static long breakdownsOverTheCap(Map<String, Long> expected, int cap) {
    return overTheCap(expected, cap).stream().filter(k -> k.contains(BREAKDOWN)).count();
  }

  private static List<String> overTheCap(Map<String, Long> expected, int cap) {
    Map<String, Map<String, Long>> hashes = byKey(expected);
    splitBreakdowns(hashes);
    return hashes.entrySet().stream()
        .filter(h -> isCapped(h.getKey()))
        .filter(
            h ->
                h.getValue().keySet().stream().filter(f -> !f.equals(DimensionName.NONE)).count()
                    > cap)
        .map(Map.Entry::getKey)
        .toList();
  }

  /**
   * Whether a key is a dimension's counts, {@code cs:cnt:{metric}:{dimension}:{minute}} with a
   * dimension other than the undivided {@code all} (docs/redis-keys.md): escaped segments hold no
   * {@code :}.
   */
  private static boolean isCapped(String key) {
    String[] segments = key.split(":", -1);
    return key.contains(BREAKDOWN)
        || (key.startsWith(RedisKeys.PREFIX + "cnt:")
            && segments.length == 5
            && !segments[3].equals(RedisKeys.UNDIVIDED));
  }

  /** A minute's hash ({@code …:{minute}}), maybe one dimension and step of its breakdowns. */
  private static final Pattern MINUTE = Pattern.compile("(cs:(?:cnt|fr):[^#]*:)(-?\\d+)(#by:.*)?");

  /** An hour's or a day's hash ({@code …:h{hour}}, {@code …:d{day}}), likewise. */
  private static final Pattern ROLLUP = Pattern.compile("cs:(?:cnt|fr):[^#]*:[hd]-?\\d+(#by:.*)?");

  /**
   * Replaces what the oracle expects of each hour and day hash (docs/redis-keys.md, "Rollups") by
   * the sum of Redis's hashes of its minutes, field by field: a rollup's value field holds that
   * value's fields in its minutes, its {@code (other)} the rest. The minutes are checked against
   * the oracle, so the rollups are too; which values a rollup admitted is checked as for a minute.
   */
  private static void expectRollupsToBeTheirMinutes(
      Map<String, Map<String, Long>> want, Map<String, Map<String, Long>> got) {
    want.keySet().removeIf(key -> ROLLUP.matcher(key).matches());
    got.forEach(
        (key, fields) -> {
          Matcher m = MINUTE.matcher(key);
          if (!m.matches()) {
            return;
          }
          long minute = Long.parseLong(m.group(2));
          String breakdown = m.group(3) == null ? "" : m.group(3);
          for (String rollup :
              List.of(
                  m.group(1) + "h" + Math.floorDiv(minute, 60) + breakdown,
                  m.group(1) + "d" + Math.floorDiv(minute, 1_440) + breakdown)) {
            Map<String, Long> sums = want.computeIfAbsent(rollup, k -> new TreeMap<>());
            fields.forEach((field, n) -> sums.merge(field, n, Long::sum));
          }
        });
  }

  /** Joins a funnel results key to one dimension and step of its breakdowns. */
  private static final String BREAKDOWN = "#by:";

  /**
   * Moves each funnel results hash's breakdown fields ({@code by:{dimension}:{step}:{value}}) to a
   * hash of their own per dimension and step, {@code key#by:{dimension}:{step}}, by value.
   */
  private static void splitBreakdowns(Map<String, Map<String, Long>> hashes) {
    for (String key : List.copyOf(hashes.keySet())) {
      if (!key.startsWith(RedisKeys.PREFIX + "fr:")) {
        continue;
      }
      Map<String, Long> fields = hashes.get(key);
      for (String field : List.copyOf(fields.keySet())) {
        FunnelResultFields.Field f = FunnelResultFields.decode(field);
        if (f.kind() == FunnelResultFields.Kind.REACHED_BY) {
          hashes
              .computeIfAbsent(
                  key + BREAKDOWN + f.dimension() + ":" + f.step(), k -> new TreeMap<>())
              .put(f.value(), fields.remove(field));
        }
      }
    }
  }

  /** The hash whose value fields are the values admitted into {@code key}. */
  private static String admittingHash(String key) {
    int by = key.indexOf(BREAKDOWN);
    if (by < 0) {
      return key;
    }
    String dimensionAndStep = key.substring(by + BREAKDOWN.length());
    return key.substring(0, by)
        + BREAKDOWN
        + dimensionAndStep.substring(0, dimensionAndStep.lastIndexOf(':'))
        + ":1";
  }

  /**
   * Count fields by key: a count field is the key, a newline and the hash field (keys hold no
   * newline).
   */
  private static Map<String, Map<String, Long>> byKey(Map<String, Long> counts) {
    Map<String, Map<String, Long>> byKey = new TreeMap<>();
    counts.forEach(
        (countField, n) -> {
          int sep = countField.indexOf('\n');
          byKey
              .computeIfAbsent(countField.substring(0, sep), k -> new TreeMap<>())
              .put(countField.substring(sep + 1), n);
        });
    return byKey;
  }

  private static Map<String, Long> nonZero(Map<String, Long> fields) {
    Map<String, Long> kept = new TreeMap<>(fields);
    kept.values().removeIf(n -> n == 0);
    return kept;
  }
}
