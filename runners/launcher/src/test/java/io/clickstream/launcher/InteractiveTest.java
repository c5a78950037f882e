package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.client.Result;
import io.clickstream.core.EmbeddedHBase;
import io.clickstream.core.Event;
import io.clickstream.core.EventTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interactive Beam in Java: a user's transform over the history in the real HBase mini cluster of
 * this JVM ({@link MiniHBase}), loaded with {@code ./analytics load}, on the Direct runner, equals
 * the same computation in plain Java over the loaded lines; and it runs from a notebook script.
 */
class InteractiveTest {

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  /** Two hours old: late by the live rules, but history all the same. */
  private static final Instant RECENT = NOW.minus(Duration.ofHours(2));

  /** Outside the last 24 hours. */
  private static final Instant OLD = NOW.minus(Duration.ofHours(30));

  private static EmbeddedHBase hbase;
  private static List<String> recent;

  @TempDir static Path dir;

  @BeforeAll
  static void loadHistory() throws Exception {
    hbase = MiniHBase.get();
    hbase.util().deleteTableIfAny(EventTable.NAME);
    recent = DemoApi.journeys("recent", 5, 2, RECENT);
    List<String> lines = new ArrayList<>(recent);
    lines.addAll(DemoApi.journeys("old", 3, 3, OLD));
    Path file = Files.write(dir.resolve("events.jsonl"), lines);
    Run load = Run.of("load", file.toString(), "--hbase-zk", hbase.zk());
    assertThat(load.exitCode()).as(load.toString()).isZero();
  }

  @AfterEach
  void forgetTheDemo() {
    System.clearProperty("clickstream.home");
  }

  @Test
  void aUsersTransformOverTheLastDayEqualsThePlainJavaCountOfTheLoadedLines() {
    Result counts =
        Interactive.over(hbase.zk())
            .history("24h")
            .apply(MapElements.into(TypeDescriptors.strings()).via(Event::name))
            .apply(Count.perElement())
            .collect(100);

    Map<String, Long> expected = new TreeMap<>();
    for (String line : recent) {
      expected.merge(line.replaceAll(".*\"name\":\"([^\"]+)\".*", "$1"), 1L, Long::sum);
    }
    List<List<Object>> rows = new ArrayList<>();
    expected.forEach((name, count) -> rows.add(List.of(name, count)));
    assertThat(counts.columns()).containsExactly("key", "value");
    assertThat(counts.rows()).isEqualTo(rows);
    assertThat(counts.meta().get("rows_total").asLong()).isEqualTo(3);
  }

  @Test
  void collectShowsTheEarliestEventsOfTheRangeAsATable() {
    Result events = Interactive.over(hbase.zk()).history(OLD, NOW).collect(2);

    assertThat(events.columns())
        .containsExactly(
            "t", "user", "event", "source", "partner", "campaign", "page", "properties");
    assertThat(events.rows())
        .extracting(row -> row.subList(0, 3))
        .containsExactly(
            List.of(OLD.toString(), "old-buyer-0", "land"),
            List.of(OLD.toString(), "old-buyer-1", "land"));
    assertThat(events.meta().get("rows_total").asLong()).isEqualTo(recent.size() + 9);
  }

  @Test
  void aNotebookScriptRunsItOverTheDemosHBase() throws Exception {
    System.setProperty("clickstream.home", dir.toString());
    Discovery.write(
        new Discovery.DemoInfo(
            ProcessHandle.current().pid(),
            hbase.zk(),
            "redis://127.0.0.1:1",
            "http://127.0.0.1:1/",
            true));
    Path script =
        Files.writeString(
            dir.resolve("interactive.jsh"),
            "Interactive.over(cs).history(\"24h\")\n"
                + "    .apply(MapElements.into(TypeDescriptors.strings()).via(Event::userId))\n"
                + "    .apply(Distinct.create())\n"
                + "    .apply(Count.globally())\n"
                + "    .collect(1).show();\n");

    Run run = Run.of("notebook", "--execute", script.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    // Ends with: the test class path's log configuration logs Beam's warnings on stdout (the
    // launcher's own logs them on stderr).
    assertThat(run.out()).endsWith("\nvalue\n-----\n    5\n(1 row)\n");
  }
}
