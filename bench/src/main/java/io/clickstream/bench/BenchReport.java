package io.clickstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The figures of one benchmark run: a Markdown table on standard output and the same as JSON. */
final class BenchReport {

  /**
   * One engine's figures.
   *
   * @param ratioToBaseline events/s of the engine divided by the baseline's
   * @param freshness null for the baseline, which is not a live engine
   */
  record Row(
      String engine,
      long events,
      double drainSeconds,
      double eventsPerSecond,
      double ratioToBaseline,
      HeapWatcher.Peak heapMiB,
      Freshness freshness) {}

  /**
   * Write-to-API latencies under background load, in ms; a percentile is null when it fell on a
   * probe that never became visible.
   *
   * @param loadRate the background events/s asked for
   * @param achievedLoadRate the background events/s written (shown in the table)
   */
  record Freshness(
      double loadRate,
      double achievedLoadRate,
      int probes,
      Long p50,
      Long p90,
      Long p99,
      int notVisible) {

    static Freshness of(double loadRate, double achievedLoadRate, FreshnessProbe.Result result) {
      return new Freshness(
          loadRate,
          achievedLoadRate,
          result.millis().length,
          visible(result.percentile(50)),
          visible(result.percentile(90)),
          visible(result.percentile(99)),
          result.notVisible());
    }

    /**
     * "p50 / p90 / p99" in ms, with ">60000" for a percentile that fell on a probe never visible.
     */
    String percentiles() {
      return ms(p50) + " / " + ms(p90) + " / " + ms(p99);
    }

    private static Long visible(long millis) {
      return millis == Long.MAX_VALUE ? null : millis;
    }

    private static String ms(Long millis) {
      return millis == null
          ? ">" + FreshnessProbe.GIVE_UP.toMillis()
          : String.format("%,d", millis);
    }
  }

  private final Map<String, Object> context = new LinkedHashMap<>();
  private final List<Row> rows = new ArrayList<>();

  /** Describes the run (dataset, machine) in the JSON. */
  void context(String name, Object value) {
    context.put(name, value);
  }

  void add(Row row) {
    rows.add(row);
  }

  void printTable() {
    System.out.println();
    System.out.println(
        "| engine | events | drain s | events/s | ratio to baseline | heap before MiB"
            + " | peak heap MiB (after GC / used) | freshness p50 / p90 / p99 ms (load) |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (Row r : rows) {
      HeapWatcher.Peak heap = r.heapMiB();
      System.out.printf(
          "| %s | %,d | %.2f | %,.0f | %.3f | %,d | %s / %,d | %s |%n",
          r.engine(),
          r.events(),
          r.drainSeconds(),
          r.eventsPerSecond(),
          r.ratioToBaseline(),
          heap.before(),
          heap.afterGc() < 0 ? "-" : String.format("%,d", heap.afterGc()),
          heap.used(),
          freshness(r.freshness()));
    }
    System.out.println();
  }

  Path writeJson(Path directory, String stamp) throws IOException {
    Map<String, Object> json = new LinkedHashMap<>(context);
    json.put("rows", rows);
    Files.createDirectories(directory);
    Path file = directory.resolve("benchmark-" + stamp + ".json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    return file;
  }

  private static String freshness(Freshness f) {
    if (f == null) {
      return "-";
    }
    String cell = f.percentiles() + String.format(" (%,.0f ev/s)", f.achievedLoadRate());
    if (f.notVisible() > 0) {
      cell +=
          "; "
              + f.notVisible()
              + " of "
              + f.probes()
              + " not visible in "
              + FreshnessProbe.GIVE_UP.toSeconds()
              + " s";
    }
    return cell;
  }
}
