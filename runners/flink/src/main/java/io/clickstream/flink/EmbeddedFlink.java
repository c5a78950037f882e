package io.clickstream.flink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * The pipeline on a Flink MiniCluster in this JVM ({@code --flinkMaster=[local]}), as the
 * launcher's {@code demo} and {@code run}, the job jar's {@code main} and the tests start it.
 * Beam's FlinkRunner alone would block in {@code run()}, look for a cluster, listen on every
 * interface and ignore {@code --savepointPath} (docs/runners.md, "Embedded").
 */
public final class EmbeddedFlink {

  /**
   * A bundle's writes reach Redis when it finishes: this bounds how long an update waits for that.
   */
  static final long MAX_BUNDLE_MILLIS = 100;

  private EmbeddedFlink() {}

  /**
   * Prepares options for a JVM that starts the pipeline and must go on: does nothing unless the
   * runner is the FlinkRunner; then {@code run()} returns once the job is submitted ({@code
   * attachedMode=false}; attached, a streaming job's {@code run()} blocks until it ends), {@code
   * [auto]} means an embedded cluster ({@code [local]}: this JVM is never inside a Flink cluster),
   * an embedded cluster listens on 127.0.0.1 only and honours {@code --savepointPath}, and the
   * {@link #tune live-analytics settings} apply unless {@code args} (the Beam arguments the options
   * came from) set them.
   */
  public static void prepare(PipelineOptions options, List<String> args) {
    if (!FlinkRunner.class.equals(options.getRunner())) {
      return;
    }
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    tune(flink, args);
    flink.setAttachedMode(false);
    if ("[auto]".equals(flink.getFlinkMaster())) {
      flink.setFlinkMaster("[local]");
    }
    if ("[local]".equals(flink.getFlinkMaster())) {
      flink.setFlinkConfDir(localConfDir(flink).toString());
    }
  }

  /**
   * Settings for live analytics, each unless the arguments give it, on any Flink (embedded or a
   * cluster):
   *
   * <ul>
   *   <li>object reuse between chained operators. Without it Flink copies every element between
   *       chained operators through its coder (CoderTypeSerializer.copy: 11% of the busiest
   *       thread's time, profiled in docs/benchmarks.md). Safe for a Beam pipeline, whose model
   *       forbids a DoFn to mutate its input or an output after emitting it (the Direct runner
   *       enforces that in our tests);
   *   <li>bundles of at most {@link #MAX_BUNDLE_MILLIS} instead of Beam's 1 s: the Redis writer
   *       flushes when a bundle finishes, so the bundle time adds to how late the dashboard is.
   *       Under load a bundle fills up (1,000 elements) sooner anyway.
   * </ul>
   */
  static void tune(FlinkPipelineOptions flink, List<String> args) {
    if (args.stream().noneMatch(a -> a.startsWith("--objectReuse"))) {
      flink.setObjectReuse(true);
    }
    if (args.stream().noneMatch(a -> a.startsWith("--maxBundleTimeMills"))) {
      flink.setMaxBundleTimeMills(MAX_BUNDLE_MILLIS);
    }
  }

  /**
   * A Flink configuration directory for the embedded cluster: the user's ({@code --flinkConfDir},
   * else {@code $FLINK_CONF_DIR}) if any, plus loopback-only addresses unless set there, plus the
   * savepoint (or retained checkpoint) to restore from.
   */
  private static Path localConfDir(FlinkPipelineOptions flink) {
    try {
      Path dir = Files.createTempDirectory("clickstream-flink-conf-");
      dir.toFile().deleteOnExit();
      String base =
          flink.getFlinkConfDir() != null
              ? flink.getFlinkConfDir()
              : System.getenv("FLINK_CONF_DIR");
      StringBuilder conf = new StringBuilder();
      if (base != null) {
        for (String name : List.of("config.yaml", "flink-conf.yaml")) {
          Path file = Path.of(base, name);
          if (Files.isRegularFile(file)) {
            if (name.equals("config.yaml")) {
              throw new IllegalArgumentException(
                  "--flinkMaster=[local] with "
                      + file
                      + ": use the legacy "
                      + "flink-conf.yaml format (key: value lines) so the embedded cluster's settings can be added");
            }
            conf.append(Files.readString(file)).append('\n');
          }
        }
        try (Stream<Path> files = Files.list(Path.of(base))) {
          for (Path f : files.filter(Files::isRegularFile).toList()) {
            if (!f.getFileName().toString().endsWith(".yaml")) {
              Files.copy(f, dir.resolve(f.getFileName()));
            }
          }
        }
      }
      Path file = dir.resolve("flink-conf.yaml");
      Files.writeString(file, conf.toString(), StandardCharsets.UTF_8);
      file.toFile().deleteOnExit();
      // Flink's own reading of the file, so that a key only mentioned (in a comment, in another
      // key's value) does not count as set: a substring test once left the REST endpoint and the
      // blob server on every interface for a flink-conf.yaml that merely said "# rest.address:
      // ...".
      Configuration existing = GlobalConfiguration.loadConfiguration(dir.toString());
      for (String[] kv :
          new String[][] {
            {"rest.address", "127.0.0.1"},
            {"rest.bind-address", "127.0.0.1"},
            {"jobmanager.rpc.address", "127.0.0.1"},
            {"jobmanager.bind-host", "127.0.0.1"},
            {"taskmanager.host", "127.0.0.1"},
            {"taskmanager.bind-host", "127.0.0.1"}
          }) {
        if (!existing.containsKey(kv[0])) {
          conf.append(kv[0]).append(": ").append(kv[1]).append('\n');
        }
      }
      if (flink.getSavepointPath() != null) {
        conf.append("execution.savepoint.path: ").append(flink.getSavepointPath()).append('\n');
        conf.append("execution.savepoint.ignore-unclaimed-state: ")
            .append(flink.getAllowNonRestoredState())
            .append('\n');
      }
      Files.writeString(file, conf.toString(), StandardCharsets.UTF_8);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the embedded Flink's configuration", e);
    }
  }
}
