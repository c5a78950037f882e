package io.clickstream.flink.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A separate JVM started from the test classpath (with the JDK opens Flink needs), logging to a
 * file.
 */
public final class ChildJvm implements AutoCloseable {

  public final Process process;
  public final Path log;

  private ChildJvm(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * The test classpath: test classes, main classes and every test-scope jar (from
   * target/test-classpath.txt).
   */
  public static List<String> testClasspath() {
    List<String> cp = new ArrayList<>();
    cp.add(Path.of("target/test-classes").toAbsolutePath().toString());
    cp.add(Path.of("target/classes").toAbsolutePath().toString());
    cp.addAll(classpathFile("clickstream.flink.testClasspathFile", "target/test-classpath.txt"));
    return cp;
  }

  /**
   * The test classpath of another build of this module, e.g. an older commit's checked out and
   * built elsewhere ({@code mvn package -DskipTests}): {@code module}'s target/test-classes,
   * target/classes and its target/test-classpath.txt.
   */
  public static List<String> testClasspathOf(Path module) {
    Path target = module.toAbsolutePath().resolve("target");
    List<String> cp = new ArrayList<>();
    cp.add(target.resolve("test-classes").toString());
    cp.add(target.resolve("classes").toString());
    cp.addAll(readClasspathFile(target.resolve("test-classpath.txt")));
    return cp;
  }

  /**
   * What a Flink 1.19 distribution's lib/ holds (Flink, its dependencies, log4j; from
   * target/flink-classpath.txt), plus the test classes for the cluster's main class and log config.
   */
  public static List<String> flinkDistributionClasspath() {
    List<String> cp = new ArrayList<>();
    cp.add(Path.of("target/test-classes").toAbsolutePath().toString());
    cp.addAll(classpathFile("clickstream.flink.flinkClasspathFile", "target/flink-classpath.txt"));
    return cp;
  }

  /**
   * What the job jar holds: this module's classes and every runtime jar but Flink's
   * (target/job-classpath.txt).
   */
  public static List<String> jobClasspath() {
    List<String> cp = new ArrayList<>();
    cp.add(Path.of("target/classes").toAbsolutePath().toString());
    cp.addAll(classpathFile("clickstream.flink.jobClasspathFile", "target/job-classpath.txt"));
    return cp;
  }

  private static List<String> classpathFile(String property, String fallback) {
    return readClasspathFile(Path.of(System.getProperty(property, fallback)));
  }

  private static List<String> readClasspathFile(Path file) {
    try {
      return Arrays.asList(Files.readString(file).trim().split(File.pathSeparator));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "no classpath file " + file + ": run the tests through Maven (mvn test)", e);
    }
  }

  /** Starts {@code mainClass} on {@code classpath}. */
  public static ChildJvm start(
      String name, List<String> classpath, String mainClass, List<String> args) {
    return start(name, classpath, List.of(), mainClass, args);
  }

  /**
   * Starts {@code mainClass} on {@code classpath}, with {@code jvmOptions} (system properties, say)
   * too.
   */
  public static ChildJvm start(
      String name,
      List<String> classpath,
      List<String> jvmOptions,
      String mainClass,
      List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String opens =
        System.getProperty(
            "clickstream.flink.jdkOpens",
            "--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED "
                + "--add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED");
    command.addAll(Arrays.asList(opens.trim().split("\\s+")));
    command.add("-Xmx1500m");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classpath));
    command.add(mainClass);
    command.addAll(args);
    try {
      Path log =
          Files.createDirectories(Path.of("target", "child-jvms"))
              .resolve(name + "-" + System.currentTimeMillis() + ".log");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      System.out.printf("started %s (pid %d), log %s%n", name, p.pid(), log.toAbsolutePath());
      return new ChildJvm(p, log);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
  }

  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** {@code kill -9}: no shutdown hook, no cancellation, nothing flushed. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        kill();
      }
    }
  }
}
