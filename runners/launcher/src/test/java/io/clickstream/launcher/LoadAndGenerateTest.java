package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.EmbeddedHBase;
import io.clickstream.core.Event;
import io.clickstream.core.EventParser;
import io.clickstream.core.EventTable;
import io.clickstream.core.generator.JourneyGenerator;
import java.io.ByteArrayInputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.TableNotFoundException;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code load} and {@code generate} against the real HBase mini cluster of this JVM ({@link
 * MiniHBase}).
 */
class LoadAndGenerateTest {

  private static final Instant FROM = Instant.parse("2024-05-01T10:00:00Z");

  private static EmbeddedHBase hbase;

  @TempDir Path dir;

  @BeforeAll
  static void startHBase() throws Exception {
    hbase = MiniHBase.get();
  }

  @BeforeEach
  void emptyTableAndNoDemo() throws Exception {
    hbase.util().deleteTableIfAny(EventTable.NAME); // load creates it again
    System.setProperty("clickstream.home", dir.toString());
  }

  @AfterEach
  void forgetTheDemo() {
    System.clearProperty("clickstream.home");
  }

  @Test
  void loadWritesTheValidLinesAsGivenAndReportsEachRejectedLineWithItsNumberAndReason()
      throws Exception {
    List<String> valid = new JourneyGenerator(42).batch(40, FROM, Duration.ofHours(1));
    List<String> lines = new ArrayList<>();
    lines.add(valid.get(0));
    lines.add(
        "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"name\":\"search\",\"ts\":\"yesterday\"}"); // line 2
    lines.add(""); // line 3: blank
    lines.add("not json at all"); // line 4
    lines.addAll(valid.subList(1, valid.size()));
    lines.add("{\"event_id\":\"e2\",\"name\":\"search\",\"ts\":1714557600000}"); // last: no user
    // A line stored exactly as given, spacing and field order included.
    String spaced =
        "{ \"ts\": \"2024-05-01T10:00:00Z\",  \"name\": \"page_view\", \"user_id\": \"spaced\", \"event_id\": \"s1\" }";
    lines.add(spaced);
    Path file = Files.write(dir.resolve("events.jsonl"), lines, StandardCharsets.UTF_8);

    Run run = Run.of("load", file.toString(), "--hbase-zk", hbase.zk(), "--batch-size", "7");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    int last = lines.size() - 1;
    assertThat(run.err())
        .contains(
            "line 2: ts: expected ISO-8601 with an offset (2024-05-01T10:15:30Z) or epoch milliseconds, got \"yesterday\"")
        .contains("line 4: not valid JSON")
        .contains("line " + last + ": user_id: required")
        .doesNotContain("line 3:");
    int distinct = (int) valid.stream().distinct().count() + 1;
    assertThat(run.out()).startsWith((valid.size() + 1) + " lines written, 3 rejected");

    Map<String, String> expected = new HashMap<>();
    for (String line : valid) {
      Event e = EventParser.parse(line).event();
      expected.put(Bytes.toStringBinary(EventTable.rowKey(e.userId(), e.eventId())), line);
    }
    expected.put(Bytes.toStringBinary(EventTable.rowKey("spaced", "s1")), spaced);
    assertThat(expected).hasSize(distinct);
    assertThat(rows()).isEqualTo(expected);
  }

  @Test
  void aFirstLineWithAnOverflowingTimestampIsRejectedWithItsNumberAndTheLoadGoesOn()
      throws Exception {
    List<String> valid = new JourneyGenerator(3).batch(10, FROM, Duration.ofMinutes(30));
    List<String> lines = new ArrayList<>();
    lines.add(
        "{\"event_id\":\"h1\",\"user_id\":\"u1\",\"name\":\"search\",\"ts\":\"+300000000-01-01T00:00:00Z\"}");
    lines.addAll(valid);
    Path file = Files.write(dir.resolve("poison-first.jsonl"), lines, StandardCharsets.UTF_8);

    Run run = Run.of("load", file.toString(), "--hbase-zk", hbase.zk());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err())
        .contains("line 1: ts: \"+300000000-01-01T00:00:00Z\" is outside 1970..2100");
    assertThat(run.out()).startsWith(valid.size() + " lines written, 1 rejected");
    assertThat(rows()).hasSize((int) valid.stream().distinct().count());
  }

  @Test
  void loadReadsStandardInputAndExitsZeroWhenEveryLineIsWritten() throws Exception {
    List<String> lines = new JourneyGenerator(7).batch(20, FROM, Duration.ofMinutes(30));
    byte[] input = (String.join("\n", lines) + "\n\n").getBytes(StandardCharsets.UTF_8);

    Run run =
        Run.of(
            cli -> {
              LoadCommand load = (LoadCommand) cli.getSubcommands().get("load").getCommand();
              load.stdin = new ByteArrayInputStream(input);
              load.progressEveryMillis =
                  0; // report after every line, as a long file would every second
            },
            "load",
            "-",
            "--hbase-zk",
            hbase.zk());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith(lines.size() + " lines written, 0 rejected");
    assertThat(run.err()).doesNotContain("line ").contains(lines.size() + " lines read (");
    assertThat(rows()).hasSize((int) lines.stream().distinct().count());
  }

  @ParameterizedTest(name = "--batch-size {0}")
  @ValueSource(strings = {"1", "1000"})
  void fromAPipeEachLineIsWrittenBeforeLoadWaitsForTheNext(String batchSize) throws Exception {
    List<String> lines =
        new JourneyGenerator(11)
            .batch(5, FROM, Duration.ofMinutes(30)).stream().distinct().toList();
    PipedOutputStream producer = new PipedOutputStream();
    PipedInputStream input = new PipedInputStream(producer, 64 * 1024);
    CompletableFuture<Run> load =
        CompletableFuture.supplyAsync(
            () ->
                Run.of(
                    cli ->
                        ((LoadCommand) cli.getSubcommands().get("load").getCommand()).stdin = input,
                    "load",
                    "-",
                    "--hbase-zk",
                    hbase.zk(),
                    "--batch-size",
                    batchSize));
    try {
      for (String line : lines.subList(0, 3)) {
        producer.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        producer.flush();
        awaitRow(line, load);
      }
    } finally {
      producer
          .close(); // end of input: load ends (also after a failed assertion, before the next test)
      load.handle((run, e) -> null).get(60, TimeUnit.SECONDS);
    }

    Run run = load.get();
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("3 lines written, 0 rejected");
  }

  @Test
  void aWriteHBaseRefusesFailsTheLoadWithAnErrorNamingHBase() throws Exception {
    List<String> lines =
        new JourneyGenerator(13)
            .batch(5, FROM, Duration.ofMinutes(30)).stream().distinct().toList();
    PipedOutputStream producer = new PipedOutputStream();
    PipedInputStream input = new PipedInputStream(producer, 64 * 1024);
    CompletableFuture<Run> load =
        CompletableFuture.supplyAsync(
            () ->
                Run.of(
                    cli ->
                        ((LoadCommand) cli.getSubcommands().get("load").getCommand()).stdin = input,
                    "load",
                    "-",
                    "--hbase-zk",
                    hbase.zk()));
    try {
      producer.write((lines.get(0) + "\n").getBytes(StandardCharsets.UTF_8));
      producer.flush();
      awaitRow(lines.get(0), load);
      hbase.util().deleteTable(EventTable.NAME); // the next write has nowhere to go
      producer.write((lines.get(1) + "\n").getBytes(StandardCharsets.UTF_8));
      producer.flush();
      Run run = load.get(120, TimeUnit.SECONDS);

      assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
      assertThat(run.err())
          .as(run.toString())
          .contains("error: writing to HBase at " + hbase.zk() + " failed: ")
          .contains("(1 lines were written before; loading the file again is harmless)");
      assertThat(run.out()).isEmpty();
    } finally {
      producer.close();
      load.handle((run, e) -> null).get(120, TimeUnit.SECONDS); // ended before the next test
    }
  }

  @Test
  void withoutAnAddressLoadFindsTheRunningDemoAndSaysHow() throws Exception {
    long pid = ProcessHandle.current().pid(); // a live pid stands in for the demo's
    Path file =
        Discovery.write(
            new Discovery.DemoInfo(
                pid, hbase.zk(), "redis://127.0.0.1:6379", "http://127.0.0.1:4567/", true));
    assertThat(file).isEqualTo(dir.resolve("demo.json"));
    String line = new JourneyGenerator(3).batch(1, FROM, Duration.ofMinutes(1)).get(0);
    Path events = Files.writeString(dir.resolve("one.jsonl"), line + "\n");

    Run run = Run.of("load", events.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err())
        .contains(
            "Using the demo's HBase at "
                + hbase.zk()
                + " (from "
                + file
                + ", written by the demo running as pid "
                + pid
                + ")");
    assertThat(run.out()).startsWith("1 lines written, 0 rejected");
    assertThat(rows()).containsValue(line);
  }

  @Test
  void generateWritesParseableEventsAtRoughlyTheAskedRateForTheAskedDuration() throws Exception {
    Run run =
        Run.of(
            "generate",
            "--hbase-zk",
            hbase.zk(),
            "--rate",
            "50",
            "--users",
            "20",
            "--duration",
            "3s",
            "--seed",
            "5");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.err()).contains("Generating about 50 events/s for 20 users", "(seed 5)");
    Map<String, String> rows = rows();
    // 3 s at 50/s: about 150, less the ramp-up of the first visits.
    assertThat(rows.size()).isBetween(40, 250);
    assertThat(run.out()).contains(" events written");
    for (String json : rows.values()) {
      assertThat(EventParser.parse(json).error()).isNull();
    }
  }

  /**
   * Waits until {@code line} is in the table, while {@code load} still runs (its input is still
   * open).
   */
  @Test
  void reloadingAFileKeepsEveryEventsFirstCopyAndItsFirstWriteTime() throws Exception {
    List<String> lines =
        new JourneyGenerator(5)
            .batch(20, FROM, Duration.ofMinutes(30)).stream().distinct().toList();
    Path file = Files.write(dir.resolve("first.jsonl"), lines, StandardCharsets.UTF_8);
    assertThat(Run.of("load", file.toString(), "--hbase-zk", hbase.zk()).exitCode()).isZero();
    Map<String, Long> firstWritten = writeTimes();
    Map<String, String> firstCopies = rows();

    Thread.sleep(20); // the region server's clock moves on, so a rewrite would show
    List<String> again = new ArrayList<>(lines);
    again.set(0, lines.get(0).replace("\"name\":\"", "\"name\":\"changed_"));
    Path resent = Files.write(dir.resolve("again.jsonl"), again, StandardCharsets.UTF_8);
    Run run = Run.of("load", resent.toString(), "--hbase-zk", hbase.zk());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains(lines.size() + " of them were already in HBase");
    assertThat(writeTimes()).isEqualTo(firstWritten);
    assertThat(rows()).isEqualTo(firstCopies);
  }

  private static void awaitRow(String line, CompletableFuture<Run> load) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!inTable(line)) {
      assertThat(load)
          .as("load ended early: %s", load.isDone() ? load.getNow(null) : "")
          .isNotDone();
      assertThat(System.nanoTime())
          .as("the line written to load's input is in HBase within 30 s")
          .isLessThan(deadline);
      Thread.sleep(50);
    }
    assertThat(load).isNotDone();
  }

  private static boolean inTable(String line) throws Exception {
    try {
      return rows().containsValue(line);
    } catch (TableNotFoundException | UncheckedIOException e) {
      if (e instanceof TableNotFoundException || e.getCause() instanceof TableNotFoundException) {
        return false; // load has not created it yet
      }
      throw e;
    }
  }

  /** Every row of the events table: row key (printable) to its cell's write time. */
  private static Map<String, Long> writeTimes() throws Exception {
    Map<String, Long> times = new HashMap<>();
    try (Table table = hbase.util().getConnection().getTable(EventTable.NAME);
        ResultScanner scanner = table.getScanner(new Scan())) {
      for (Result r : scanner) {
        times.put(
            Bytes.toStringBinary(r.getRow()),
            r.getColumnLatestCell(EventTable.FAMILY, EventTable.JSON).getTimestamp());
      }
    }
    return times;
  }

  /** Every row of the events table: row key (printable) to stored JSON. */
  private static Map<String, String> rows() throws Exception {
    Map<String, String> rows = new HashMap<>();
    try (Table table = hbase.util().getConnection().getTable(EventTable.NAME);
        ResultScanner scanner = table.getScanner(new Scan())) {
      for (Result r : scanner) {
        rows.put(
            Bytes.toStringBinary(r.getRow()),
            Bytes.toString(r.getValue(EventTable.FAMILY, EventTable.JSON)));
      }
    }
    return rows;
  }
}
