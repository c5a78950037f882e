package io.clickstream.launcher;

import io.clickstream.core.EventParser;
import io.clickstream.core.EventTable;
import io.clickstream.core.ParseResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;
import org.apache.hadoop.hbase.client.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Validates JSON lines and writes the valid ones into the events table, as they were given. */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    header = "Validate JSON lines and write them into HBase's events table.",
    description = {
      "Loads events, one JSON object per line, into HBase's events table (created if missing).",
      "Each line is validated as the pipeline would; valid lines are stored exactly as given, rejected "
          + "ones are reported on stderr as `line N: <reason>`. Blank lines are skipped. Re-loading a "
          + "file is harmless: an event already in HBase (same user_id and event_id) keeps its first copy and "
          + "its first write time, so it is neither counted again nor, later, judged late.",
      "Valid lines are written in batches while the next ones are read and checked. Whenever the input "
          + "pauses (a pipe with nothing more yet), everything read so far is written before load waits "
          + "for more, so events piped in one at a time show up at once.",
      "Without --hbase-zk, uses the HBase of the running `./analytics demo`."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every line was written",
      "1:some lines were rejected (the valid ones were written)",
      "2:usage error, unreadable file, or HBase could not be reached or failed a write"
    })
final class LoadCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "FILE|-",
      description = "File of JSON lines to load; - reads standard input.")
  String file;

  @Option(
      names = "--hbase-zk",
      paramLabel = "host:port",
      description =
          "ZooKeeper of the HBase cluster. Default: the running demo's (found through ~/.clickstream/demo.json).")
  String hbaseZk;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "1000",
      description = {
        "Valid lines written to HBase per request (default: ${DEFAULT-VALUE}).",
        "1 writes each line and waits for HBase to acknowledge it before reading the next: for single "
            + "events at low latency."
      })
  int batchSize;

  /** Standard input, replaceable in tests. */
  InputStream stdin = System.in;

  /** How often progress is reported on long loads. */
  long progressEveryMillis = 1_000;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (batchSize < 1) {
      throw new UserError("--batch-size must be at least 1, got " + batchSize);
    }
    String source = "-".equals(file) ? "standard input" : file;
    try (BufferedReader reader = open()) {
      String zk = Discovery.resolveHBase(hbaseZk, err);
      long lineNumber = 0;
      long rejected = 0;
      long written;
      long alreadyThere;
      long started;
      try (Connection connection = HBaseConnector.connectAndCreateTable(zk);
          BatchWriter writer = new BatchWriter(connection, zk, batchSize)) {
        started = System.nanoTime();
        long lastReport = started;
        long readAtLastReport = 0;
        String line;
        while ((line = readLine(reader, source)) != null) {
          lineNumber++;
          if (!line.isBlank()) {
            ParseResult parsed = EventParser.parse(line);
            if (parsed.isOk()) {
              writer.add(EventTable.putIfAbsent(parsed.event(), line));
              if (batchSize == 1) {
                writer.flush(); // acknowledged before the next line is read
              }
            } else {
              rejected++;
              err.println("line " + lineNumber + ": " + parsed.error());
            }
          }
          if (!ready(reader, source)) {
            // Nothing more to read yet: write what there is before waiting for more input.
            writer.flush();
          }
          long now = System.nanoTime();
          if (now - lastReport >= progressEveryMillis * 1_000_000L) {
            double rate = (lineNumber - readAtLastReport) / ((now - lastReport) / 1e9);
            err.printf(
                "%,d lines read (%,.0f lines/s), %,d written, %,d rejected%n",
                lineNumber, rate, writer.acknowledged(), rejected);
            err.flush();
            lastReport = now;
            readAtLastReport = lineNumber;
          }
        }
        writer.flush();
        written = writer.acknowledged();
        alreadyThere = writer.alreadyThere();
      }
      err.flush();
      double seconds = (System.nanoTime() - started) / 1e9;
      out.printf(
          "%d lines written, %d rejected (from %s in %.1f s)%n",
          written, rejected, source, seconds);
      if (alreadyThere > 0) {
        out.printf(
            "%d of them were already in HBase (same user_id and event_id) and kept their first copy and "
                + "write time%n",
            alreadyThere);
      }
      out.flush();
      return rejected == 0 ? Analytics.EXIT_OK : Analytics.EXIT_REJECTED;
    }
  }

  private BufferedReader open() {
    if ("-".equals(file)) {
      return new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
    }
    Path path = Paths.get(file);
    try {
      // Invalid UTF-8 becomes U+FFFD rather than aborting the load; the parser then judges the
      // line.
      return new BufferedReader(
          new InputStreamReader(Files.newInputStream(path), StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new UserError("cannot read " + file + ": no such file");
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + Analytics.describe(e));
    }
  }

  /** Whether a line can be read without waiting (for a file: until its end). */
  private static boolean ready(BufferedReader reader, String source) {
    try {
      return reader.ready();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + source + " failed: " + e.getMessage(), e);
    }
  }

  private static String readLine(BufferedReader reader, String source) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + source + " failed: " + e.getMessage(), e);
    }
  }
}
