package io.clickstream.launcher;

import io.clickstream.pipeline.ClickstreamOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * What {@code --data-dir DIR} keeps from one start to the next: the embedded HBase's root directory
 * ({@code DIR/hbase}), the embedded Redis's append-only file ({@code DIR/redis}), embedded Flink's
 * retained checkpoints ({@code DIR/checkpoints}), the embedded servers' ports ({@code
 * DIR/ports.properties}) and the embedded Redis's password ({@code DIR/redis.password}, mode 0600).
 */
final class DataDir {

  /**
   * How often embedded Flink checkpoints under {@code --data-dir} unless {@code
   * --checkpointingInterval} is given: without checkpoints there would be nothing to resume from,
   * and a shorter interval means less to read again after a stop, for a moment's pause of the job
   * every time.
   */
  static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

  static final String PORTS = "ports.properties";
  private static final String SERVERS = "servers.properties";
  static final String REDIS_PASSWORD = "redis.password";

  private DataDir() {}

  static Path hbase(Path dir) {
    return dir.resolve("hbase");
  }

  static Path redis(Path dir) {
    return dir.resolve("redis");
  }

  static Path checkpoints(Path dir) {
    return dir.resolve("checkpoints");
  }

  /**
   * The embedded Redis's password, kept in {@code DIR/redis.password} (mode 0600): made at the
   * first start, taken again at every later one. Not a new one each time, because a Flink
   * checkpoint holds the HBase source's readers with the whole Redis URL they record their
   * positions at, password included (as it holds the ports, see {@link Ports}): readers restored
   * with an old password would be refused for ever. Delete the file together with {@code
   * DIR/checkpoints} for a new one.
   *
   * @throws UserError when the file is open to other users, who may have read the password
   */
  static String redisPassword(Path dir) {
    Path file = dir.resolve(REDIS_PASSWORD);
    try {
      if (Files.exists(file)) {
        if (PrivateFiles.openToOthers(file)) {
          throw new UserError(
              file
                  + " may be read by other users: delete it and "
                  + checkpoints(dir)
                  + " for a new password (or chmod 600 it if nobody else could read it)");
        }
        String kept = Files.readString(file).strip();
        if (!kept.isEmpty()) {
          return kept;
        }
      }
      String password = DemoRedis.newPassword();
      PrivateFiles.write(file, password + "\n");
      return password;
    } catch (IOException e) {
      throw new UserError("cannot read or write " + file + ": " + e.getMessage());
    }
  }

  /**
   * The ports of the embedded ZooKeeper and Redis, 0 for any free one. Kept, and taken again at the
   * next start, because a Flink checkpoint holds the HBase source's splits, with the ZooKeeper and
   * Redis addresses they read and record their positions at: readers restored against other ports
   * fail for ever.
   */
  record Ports(int zooKeeper, int redis) {
    static final Ports ANY = new Ports(0, 0);
  }

  /**
   * The ports the last start kept in {@code DIR/ports.properties}, or {@link Ports#ANY} on a first
   * start.
   */
  static Ports ports(Path dir) {
    Properties kept = read(dir.resolve(PORTS));
    return new Ports(
        Integer.parseInt(kept.getProperty("zookeeper", "0")),
        Integer.parseInt(kept.getProperty("redis", "0")));
  }

  static void keepPorts(Path dir, Ports ports) {
    Properties kept = new Properties();
    kept.setProperty("zookeeper", Integer.toString(ports.zooKeeper()));
    kept.setProperty("redis", Integer.toString(ports.redis()));
    write(
        dir.resolve(PORTS),
        kept,
        "Ports of the demo's embedded ZooKeeper and Redis, taken again at every start");
  }

  /**
   * Refuses, before anything starts, what {@code --data-dir} cannot keep: the checkpoints of a
   * Flink cluster, whose TaskManagers cannot write to this machine's folder, or checkpoints put
   * elsewhere.
   */
  static void checkFlinkOptions(PipelineOptions options, List<String> beamArgs) {
    if (!FlinkRunner.class.equals(options.getRunner())) {
      return;
    }
    String master = options.as(FlinkPipelineOptions.class).getFlinkMaster();
    if (!List.of("[auto]", "[local]").contains(master)) {
      throw new UserError(
          "--data-dir keeps the checkpoints of embedded Flink, not of a cluster (--flinkMaster="
              + master
              + "): give the cluster a state.checkpoints.dir and restart with --savepointPath");
    }
    if (given(beamArgs, "stateBackendStoragePath")) {
      throw new UserError(
          "--data-dir puts the checkpoints in DIR/checkpoints: drop --stateBackendStoragePath");
    }
    if (given(beamArgs, "checkpointingInterval")
        && options.as(FlinkPipelineOptions.class).getCheckpointingInterval() <= 0) {
      throw new UserError(
          "--data-dir needs checkpoints to keep: --checkpointingInterval must be positive");
    }
  }

  /**
   * For embedded Flink: retained checkpoints under {@code DIR/checkpoints}, and a start from the
   * newest one there unless {@code --savepointPath} names another. The options must name HBase and
   * Redis already, and this must come before {@link Runners#prepareLive}, which hands the savepoint
   * to the embedded cluster. Other runners keep nothing of their own: the Direct runner resumes
   * from the read position recorded in Redis.
   *
   * @throws UserError as {@link #checkFlinkOptions}, or when the newest checkpoint was taken
   *     against another HBase or Redis, which its restored readers would go on looking for
   */
  static void keepFlinkState(
      ClickstreamOptions options, List<String> beamArgs, Path dir, PrintWriter err) {
    if (!FlinkRunner.class.equals(options.getRunner())) {
      err.printf(
          "The %s keeps no state besides Redis: it resumes from the read position recorded there.%n",
          options.getRunner().getSimpleName());
      err.flush();
      return;
    }
    checkFlinkOptions(options, beamArgs);
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    Path checkpoints = checkpoints(dir);
    if (!given(beamArgs, "checkpointingInterval")) {
      flink.setCheckpointingInterval(CHECKPOINT_INTERVAL.toMillis());
    }
    if (!given(beamArgs, "stateBackend")) {
      flink.setStateBackend("filesystem");
    }
    flink.setStateBackendStoragePath(checkpoints.toUri().toString());
    flink.setExternalizedCheckpointsEnabled(true);
    flink.setRetainExternalizedCheckpointsOnCancellation(true);

    String where =
        "Flink checkpoints every "
            + BigDecimal.valueOf(flink.getCheckpointingInterval(), 3)
                .stripTrailingZeros()
                .toPlainString()
            + " s go to "
            + checkpoints;
    Properties servers = new Properties();
    servers.setProperty("hbase_zk", options.getHbaseZk());
    servers.setProperty("redis", withoutCredentials(options.getRedisUrl()));
    if (flink.getSavepointPath() != null) {
      err.printf(
          "%s; restoring from %s (--savepointPath), not from the newest there.%n",
          where, flink.getSavepointPath());
    } else {
      Optional<Path> latest = latestCheckpoint(checkpoints);
      if (latest.isPresent()) {
        Properties before = read(checkpoints.resolve(SERVERS));
        if (!before.isEmpty() && !before.equals(servers)) {
          throw new UserError(
              "the checkpoints in "
                  + checkpoints
                  + " were taken reading HBase at "
                  + before.getProperty("hbase_zk")
                  + " and writing Redis at "
                  + before.getProperty("redis")
                  + ", and their readers would look for those: run against the same servers, or delete "
                  + checkpoints
                  + " to start without them (from the read position recorded in Redis)");
        }
        flink.setSavepointPath(latest.get().toUri().toString());
        err.printf(
            "%s; resuming from the newest, %s (completed %s).%n",
            where, latest.get(), completed(latest.get()));
        deleteOtherJobs(checkpoints, latest.get().getParent(), err);
      } else {
        err.printf(
            "%s; none there yet, so the job starts from the read position recorded in Redis.%n",
            where);
      }
    }
    write(
        checkpoints.resolve(SERVERS),
        servers,
        "The servers of the pipeline whose checkpoints these are");
    err.flush();
  }

  /**
   * The newest completed checkpoint under {@code checkpoints}: a {@code <job id>/chk-N} folder
   * holding {@code _metadata}, which Flink writes last. By completion time rather than by N: each
   * start is a new job with a folder of its own, and a job that started afresh counts from 1 again.
   */
  static Optional<Path> latestCheckpoint(Path checkpoints) {
    if (!Files.isDirectory(checkpoints)) {
      return Optional.empty();
    }
    for (int attempt = 1; ; attempt++) {
      try (Stream<Path> files = Files.walk(checkpoints, 3)) {
        return files
            .filter(p -> p.getFileName().toString().equals("_metadata"))
            .map(Path::getParent)
            .filter(p -> p.getFileName().toString().matches("chk-\\d+"))
            .max(Comparator.comparing(DataDir::completed).thenComparingLong(DataDir::number));
      } catch (IOException | UncheckedIOException e) {
        // A running job deletes the checkpoint it has just subsumed, maybe while we look: look
        // again.
        if (attempt == 3) {
          throw new UserError(
              "cannot look for checkpoints in " + checkpoints + ": " + e.getMessage());
        }
      }
    }
  }

  /**
   * Deletes the folders of earlier jobs: each start is a new job with a folder of its own, and its
   * retained checkpoints would otherwise pile up for ever. The job of the newest checkpoint is
   * kept, so a start that fails before its first checkpoint still finds that one next time.
   */
  private static void deleteOtherJobs(Path checkpoints, Path keep, PrintWriter err) {
    try (Stream<Path> jobs = Files.list(checkpoints)) {
      for (Path job : jobs.filter(Files::isDirectory).filter(p -> !p.equals(keep)).toList()) {
        try (Stream<Path> files = Files.walk(job)) {
          for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(file);
          }
        }
      }
    } catch (IOException e) {
      // Only disk space is at stake: say so, and start anyway.
      err.printf(
          "Could not delete earlier jobs' checkpoints in %s: %s%n", checkpoints, e.getMessage());
    }
  }

  private static FileTime completed(Path chk) {
    try {
      return Files.getLastModifiedTime(chk.resolve("_metadata"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long number(Path chk) {
    return Long.parseLong(chk.getFileName().toString().substring("chk-".length()));
  }

  /** A Redis URL without its password, which has no business in a file. */
  private static String withoutCredentials(String url) {
    URI uri = URI.create(url);
    return uri.getScheme()
        + "://"
        + uri.getHost()
        + ":"
        + uri.getPort()
        + (uri.getPath() == null ? "" : uri.getPath());
  }

  private static Properties read(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      // nothing kept yet
    } catch (IOException e) {
      throw new UserError("cannot read " + file + ": " + e.getMessage());
    }
    return properties;
  }

  private static void write(Path file, Properties properties, String comment) {
    try {
      Files.createDirectories(file.getParent());
      try (Writer writer = Files.newBufferedWriter(file)) {
        properties.store(writer, comment);
      }
    } catch (IOException e) {
      throw new UserError("cannot write " + file + ": " + e.getMessage());
    }
  }

  private static boolean given(List<String> beamArgs, String option) {
    return beamArgs.stream().anyMatch(a -> a.startsWith("--" + option + "="));
  }
}
