package io.clickstream.flink.testing;

import io.clickstream.core.EventParser;
import io.clickstream.core.generator.GeneratedEvent;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A Flink savepoint of the Clickstream job committed as a test fixture, with the HBase rows it was
 * taken over: {@code src/test/resources/savepoints/NAME/} holds
 *
 * <ul>
 *   <li>{@code savepoint/}: the savepoint as Flink wrote it ({@code _metadata} and any state files;
 *       a savepoint is relocatable, its paths are relative);
 *   <li>{@code rows.tsv}: every cell the job read before the savepoint, one a line: the cell's
 *       write time (ms), a tab, the JSON. The readers' positions in the savepoint are write times,
 *       so a job restored from it must find the same cells at the same times in HBase;
 *   <li>{@code fixture.properties}: which build took it, when, and the job's parallelism.
 * </ul>
 *
 * Made by {@code SavepointFixtureRegenerationTest} (docs/runners.md, "Savepoint compatibility").
 */
public final class SavepointFixture {

  /** Where the fixtures live, from the module's directory (the tests' working directory). */
  public static final Path ROOT = Path.of("src", "test", "resources", "savepoints");

  public final Path dir;

  private SavepointFixture(Path dir) {
    this.dir = dir.toAbsolutePath();
  }

  public static SavepointFixture named(String name) {
    return new SavepointFixture(ROOT.resolve(name));
  }

  /** The savepoint directory, for {@code --savepointPath}. */
  public Path savepoint() {
    return dir.resolve("savepoint");
  }

  /** The rows, in write order, as {@link GeneratedEvent}s whose write time is the cell's. */
  public List<GeneratedEvent> rows() throws IOException {
    List<GeneratedEvent> rows = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("rows.tsv"), StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      int tab = line.indexOf('\t');
      String json = line.substring(tab + 1);
      rows.add(
          new GeneratedEvent(
              Instant.ofEpochMilli(Long.parseLong(line.substring(0, tab))),
              json,
              EventParser.parse(json).event(),
              false));
    }
    return rows;
  }

  public Properties properties() throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(dir.resolve("fixture.properties"))) {
      p.load(in);
    }
    return p;
  }

  public int parallelism() throws IOException {
    return Integer.parseInt(properties().getProperty("parallelism"));
  }

  /**
   * Replaces the fixture's files: {@code savepoint} copied in, the rows and the properties written.
   */
  public void write(Path savepoint, List<GeneratedEvent> rows, Properties properties)
      throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> old = Files.walk(dir)) {
        for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.walk(savepoint)) {
      for (Path from : files.toList()) {
        Path to = savepoint().resolve(savepoint.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to);
        }
      }
    }
    try (Writer out = Files.newBufferedWriter(dir.resolve("rows.tsv"), StandardCharsets.UTF_8)) {
      for (GeneratedEvent row : rows) {
        if (row.json().indexOf('\n') >= 0 || row.json().indexOf('\r') >= 0) {
          throw new IllegalArgumentException("a row's JSON spans lines: " + row.json());
        }
        out.write(row.writeAt().toEpochMilli() + "\t" + row.json() + "\n");
      }
    }
    try (Writer out = Files.newBufferedWriter(dir.resolve("fixture.properties"))) {
      properties.store(out, "A savepoint of the Clickstream job: see SavepointFixture");
    }
  }

  /** Bytes of every file of the fixture. */
  public long size() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      long total = 0;
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        total += Files.size(p);
      }
      return total;
    }
  }
}
