package io.clickstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.core.EmbeddedHBase;
import io.clickstream.core.EventTable;
import io.clickstream.core.HBaseQuorum;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.launcher.Analytics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.BufferedMutator;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.filter.FilterList;
import org.apache.hadoop.hbase.filter.FirstKeyOnlyFilter;
import org.apache.hadoop.hbase.filter.KeyOnlyFilter;

/**
 * Issue 8, goal 3: {@code analytics load FILE} against the floor of the same work, a raw {@link
 * BufferedMutator} loop, side by side in one JVM against one HBase mini cluster
 * (docs/benchmarks.md, "analytics load").
 *
 * <p>N lines from {@link JourneyGenerator} are written to a temporary file once. After {@code
 * --warmup} uncounted rounds of both, each of the two is run {@code --repeats} times, alternating
 * which goes first, each time on a freshly truncated table (splits kept):
 *
 * <ul>
 *   <li><b>raw</b>: what a user writes without our validation: its own connection, a default {@code
 *       BufferedMutator}, each line read, {@code ObjectMapper.readTree} for {@code user_id} and
 *       {@code event_id}, one {@code Put} of the line under {@link EventTable#rowKey}, one flush at
 *       the end;
 *   <li><b>load</b>: {@code analytics load FILE --hbase-zk ZK} in-process, through the same entry
 *       point as the command line.
 * </ul>
 *
 * Each timing runs from before the connection is opened to after it is closed (for load: the whole
 * command). After each run the table's rows are counted (outside the timing): both must leave the
 * same rows. Prints each run, the medians and the ratio load / raw.
 */
public final class LoadBenchmark {

  private static final String USAGE =
      "usage: LoadBenchmark [--events N (default 200000)] [--repeats R (default 3)]"
          + " [--warmup W (default 3)] [--batch-size B (passed to load; default: load's own)]";
  private static final Instant FROM = Instant.parse("2024-05-01T00:00:00Z");
  private static final long SEED = 2024;
  private static final int USERS_PER_CHUNK = 20_000;

  private final int events;
  private final int repeats;
  private final int warmup;
  private final String batchSize;
  private HBaseAccess hbase;

  /** Rows the first run left; every run must leave the same. */
  private long expectedRows = -1;

  private LoadBenchmark(int events, int repeats, int warmup, String batchSize) {
    this.events = events;
    this.repeats = repeats;
    this.warmup = warmup;
    this.batchSize = batchSize;
  }

  public static void main(String[] argv) {
    int events = 200_000;
    int repeats = 3;
    int warmup = 3;
    String batchSize = null;
    try {
      for (int i = 0; i < argv.length; i++) {
        switch (argv[i]) {
          case "--events" -> events = number(argv, ++i, 1);
          case "--repeats" -> repeats = number(argv, ++i, 1);
          case "--warmup" -> warmup = number(argv, ++i, 0);
          case "--batch-size" -> batchSize = String.valueOf(number(argv, ++i, 1));
          case "-h", "--help" -> {
            System.out.println(USAGE);
            System.exit(0);
            return;
          }
          default -> throw new IllegalArgumentException("unknown option " + argv[i]);
        }
      }
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    try {
      new LoadBenchmark(events, repeats, warmup, batchSize).run();
      System.exit(0);
    } catch (Throwable e) {
      // HBase's threads would keep the JVM alive and its handler would swallow this: report and
      // exit.
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static int number(String[] argv, int i, int min) {
    if (i >= argv.length) {
      throw new IllegalArgumentException(argv[i - 1] + ": a number is missing");
    }
    try {
      int n = Integer.parseInt(argv[i].replace("_", ""));
      if (n < min) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          argv[i - 1] + ": expected a number of at least " + min + ", got '" + argv[i] + "'");
    }
  }

  /** The cluster's own connection (for truncating and counting) and its ZooKeeper address. */
  private record HBaseAccess(Connection connection, String zk) {}

  private void run() throws Exception {
    Path dir = Files.createTempDirectory("clickstream-load-bench");
    Path file = writeLines(dir.resolve("events.jsonl"));
    long bytes = Files.size(file);
    System.out.printf("Input: %,d lines, %.1f MiB (%s)%n", events, bytes / 1048576.0, file);

    try (EmbeddedHBase embedded = EmbeddedHBase.start(dir.resolve("hbase"))) {
      compare(embedded, file);
    } finally {
      deleteQuietly(dir);
    }
  }

  /** The input file and what HBase left behind, as far as it goes: a temporary directory. */
  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Left for the system's temporary-file cleanup.
    }
  }

  private void compare(EmbeddedHBase embedded, Path file) throws Exception {
    try (Admin admin = embedded.util().getConnection().getAdmin()) {
      EventTable.createIfMissing(admin);
    }
    hbase = new HBaseAccess(embedded.util().getConnection(), embedded.zk());
    System.out.printf(
        "HBase: one region server, ZooKeeper at %s; %d cores, max heap %d MiB, Java %s%n",
        hbase.zk(),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() >> 20,
        System.getProperty("java.version"));

    // Warm-up rounds first, not counted: on 2 cores the JIT takes about three rounds of both to
    // settle
    // (the first rounds run up to 3x slower, and ever faster).
    for (int round = 0; round < warmup; round++) {
      timed("raw", "warm-up", () -> raw(file));
      timed("load", "warm-up", () -> load(file));
    }
    double[] raw = new double[repeats];
    double[] load = new double[repeats];
    for (int round = 0; round < repeats; round++) {
      String run = "run " + (round + 1);
      // Alternate which goes first, so neither always meets a cluster just done with the other's
      // writes.
      if (round % 2 == 0) {
        raw[round] = timed("raw", run, () -> raw(file));
        load[round] = timed("load", run, () -> load(file));
      } else {
        load[round] = timed("load", run, () -> load(file));
        raw[round] = timed("raw", run, () -> raw(file));
      }
    }
    double rawMedian = median(raw);
    double loadMedian = median(load);
    System.out.println();
    System.out.println("| | median s | events/s | runs (s) |");
    System.out.println("|---|---|---|---|");
    System.out.printf(
        "| raw BufferedMutator loop | %.2f | %,.0f | %s |%n",
        rawMedian, events / rawMedian, runs(raw));
    System.out.printf(
        "| `analytics load`%s | %.2f | %,.0f | %s |%n",
        batchSize == null ? "" : " --batch-size " + batchSize,
        loadMedian,
        events / loadMedian,
        runs(load));
    System.out.printf("%nload / raw (events/s): %.2f%n", rawMedian / loadMedian);
  }

  private interface Work {
    void run() throws Exception;
  }

  /** Truncates the table, runs the work, checks the rows it left; returns its seconds. */
  private double timed(String what, String run, Work work) throws Exception {
    try (Admin admin = hbase.connection().getAdmin()) {
      admin.disableTable(EventTable.NAME);
      admin.truncateTable(EventTable.NAME, true);
    }
    System.gc();
    long start = System.nanoTime();
    work.run();
    double seconds = (System.nanoTime() - start) / 1e9;
    long rows = countRows();
    System.out.printf(
        "%-4s %-7s: %6.2f s, %,9.0f events/s (%,d rows in the table)%n",
        what, run, seconds, events / seconds, rows);
    if (expectedRows < 0) {
      expectedRows = rows;
    } else if (rows != expectedRows) {
      throw new IllegalStateException(
          what + " left " + rows + " rows, an earlier run " + expectedRows);
    }
    return seconds;
  }

  /**
   * The floor: a plain BufferedMutator loop, with only the JSON parsing needed to find the row key.
   */
  private void raw(Path file) throws IOException {
    Configuration conf = HBaseQuorum.parse(hbase.zk()).configuration();
    ObjectMapper mapper = new ObjectMapper();
    try (Connection connection = ConnectionFactory.createConnection(conf);
        BufferedMutator mutator = connection.getBufferedMutator(EventTable.NAME);
        BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode event = mapper.readTree(line);
        byte[] row =
            EventTable.rowKey(event.get("user_id").textValue(), event.get("event_id").textValue());
        mutator.mutate(
            new Put(row)
                .addColumn(
                    EventTable.FAMILY, EventTable.JSON, line.getBytes(StandardCharsets.UTF_8)));
      }
      mutator.flush();
    }
  }

  /** {@code analytics load FILE}, in-process, as the command line runs it. */
  private void load(Path file) {
    List<String> args = new ArrayList<>(List.of("load", file.toString(), "--hbase-zk", hbase.zk()));
    if (batchSize != null) {
      args.addAll(List.of("--batch-size", batchSize));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Analytics.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    if (code != Analytics.EXIT_OK) {
      throw new IllegalStateException(
          "load exited " + code + "\n--- stdout\n" + out + "--- stderr\n" + err);
    }
    System.out.print("     load says: " + out);
  }

  private long countRows() throws IOException {
    long rows = 0;
    Scan scan =
        new Scan()
            .setFilter(new FilterList(new FirstKeyOnlyFilter(), new KeyOnlyFilter()))
            .setCaching(10_000);
    try (Table table = hbase.connection().getTable(EventTable.NAME);
        ResultScanner scanner = table.getScanner(scan)) {
      while (scanner.next() != null) {
        rows++;
      }
    }
    return rows;
  }

  /** Exactly {@code events} generator lines (journeys of successive seeds, the last one cut). */
  private Path writeLines(Path file) throws IOException {
    List<String> lines = new ArrayList<>(events);
    for (long seed = SEED; lines.size() < events; seed++) {
      List<String> chunk =
          new JourneyGenerator(seed).batch(USERS_PER_CHUNK, FROM, Duration.ofHours(6));
      lines.addAll(chunk.subList(0, Math.min(chunk.size(), events - lines.size())));
    }
    return Files.write(file, lines, StandardCharsets.UTF_8);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String runs(double[] values) {
    StringBuilder s = new StringBuilder();
    for (double v : values) {
      s.append(s.length() == 0 ? "" : ", ").append(String.format("%.2f", v));
    }
    return s.toString();
  }
}
