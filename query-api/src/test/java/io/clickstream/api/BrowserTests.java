package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of the dashboard's browser tests ({@code web/e2e/*.test.mjs}, node's test runner driving
 * Chromium).
 */
final class BrowserTests {

  /**
   * The checkout: the nearest directory up from the module's holding web/e2e (query-api's parent, a
   * runner's grandparent).
   */
  static final Path REPO =
      repo(Path.of(System.getProperty("basedir", System.getProperty("user.dir"))));

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  /**
   * Not "apt-get install chromium nodejs npm": Debian's npm conflicts with a Node.js from
   * NodeSource.
   */
  private static final String FIX =
      "./analytics prerequisites installs only what is missing (as root) or names it";

  private BrowserTests() {}

  private static Path repo(Path module) {
    for (Path dir = module.toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("web/e2e"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no web/e2e above " + module.toAbsolutePath());
  }

  /**
   * Fails, never skips, without the tools: a browser test that silently does not run proves
   * nothing.
   */
  static void requireTools() throws InterruptedException {
    if (!Files.isExecutable(CHROMIUM)) {
      fail(CHROMIUM + " is missing (Debian's chromium package puts it there): " + FIX);
    }
    try {
      if (new ProcessBuilder("node", "--version").start().waitFor() != 0) {
        fail("node does not run: " + FIX);
      }
    } catch (IOException e) {
      fail("node is not on the PATH: " + FIX);
    }
    if (!Files.isDirectory(REPO.resolve("web/node_modules/playwright-core"))) {
      fail("web/node_modules/playwright-core is missing: npm ci --prefix web");
    }
  }

  /**
   * Starts {@code node --test} on one test file with {@code env}; call {@link #await} on what it
   * returns.
   */
  static Run start(String testFile, Map<String, String> env) throws IOException {
    ProcessBuilder command =
        new ProcessBuilder("node", "--test", "--test-reporter=tap", testFile)
            .directory(REPO.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    command.environment().putAll(env);
    Process node = command.start();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> copy(node.getInputStream(), output));
    reader.start();
    return new Run(testFile, node, reader, output);
  }

  record Run(String testFile, Process node, Thread reader, ByteArrayOutputStream output) {

    /** Waits for node and asserts that it ran at least one test and every test passed. */
    void await() throws InterruptedException {
      if (!node.waitFor(120, TimeUnit.SECONDS)) {
        node.destroyForcibly();
        reader.join(5_000);
        fail(
            "node --test "
                + testFile
                + " took over 120 s:\n"
                + output.toString(StandardCharsets.UTF_8));
      }
      reader.join(5_000);
      String tap = output.toString(StandardCharsets.UTF_8);
      // Kept in the surefire report, to see what the browser test did even when it passed.
      System.out.println(tap);
      assertThat(node.exitValue()).as("node --test %s output:\n%s", testFile, tap).isZero();
      assertThat(tap).as("node ran no test:\n%s", tap).containsPattern("(?m)^# pass [1-9]");
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
