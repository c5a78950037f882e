package io.clickstream.launcher;

import io.clickstream.api.ApiConfig;
import io.clickstream.api.ApiServer;
import io.clickstream.core.EmbeddedHBase;
import io.clickstream.core.RedisUrls;
import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.ClickstreamPipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.apache.hadoop.hbase.client.Connection;
import redis.embedded.RedisServer;

/**
 * The demo's five services, started in order ({@code [1/5]} to {@code [5/5]} on the log) and
 * stopped in the reverse order by {@link #stop}: HBase (a mini cluster unless given), Redis
 * (embedded unless given), the API, the pipeline and the generator, then the discovery file that
 * tells the other commands where they are. What the demo prints for the user, and its options, stay
 * in {@link DemoCommand}.
 */
final class DemoStack {

  private final PrintWriter log;

  /** The data directory of {@code --data-dir}, or null when the data goes with the demo. */
  private final Path keep;

  private final Path work;
  private final Deque<Step> started = new ArrayDeque<>();
  private DataDir.Ports ports;
  private String zk;
  private String redis;
  private Connection connection;
  private ApiServer api;

  /** The token reads need, or null: the discovery file carries it for the Java client. */
  private String readToken;

  /** Something to undo on shutdown, named for the progress line. */
  private record Step(String name, Undo undo) {}

  @FunctionalInterface
  private interface Undo {
    void run() throws Exception;
  }

  /**
   * @param keep the data directory to keep everything in, or null for temporary data
   * @param ports the ports of the last start with {@code keep}, or {@link DataDir.Ports#ANY}
   */
  DemoStack(PrintWriter log, Path keep, DataDir.Ports ports) throws IOException {
    this.log = log;
    this.keep = keep;
    this.ports = ports;
    // Mode 0700 on POSIX: the Redis password's file goes there too.
    this.work = Files.createTempDirectory("clickstream-demo-");
    if (keep != null) {
      if (!Files.exists(keep)) {
        // Its checkpoints hold the Redis URL with the password.
        PrivateFiles.createFolder(keep);
      } else if (PrivateFiles.openToOthers(keep)) {
        log.println(
            "Note: other users may look into "
                + keep
                + "; its Flink checkpoints hold the Redis password (chmod 700 it to keep them out)");
      }
    }
    started.push(new Step("deleting temporary files in " + work, () -> deleteTree(work)));
  }

  /** [1/5] An HBase mini cluster, or the HBase of {@code given} when not null. */
  void startHBase(String given) throws Exception {
    if (given != null) {
      zk = given;
      progress("[1/5] Using HBase at " + zk);
      return;
    }
    progress("[1/5] Starting HBase mini cluster (about 30 s)...");
    long t0 = System.nanoTime();
    EmbeddedHBase hbase =
        EmbeddedHBase.start(
            work.resolve("hbase"), keep == null ? null : DataDir.hbase(keep), ports.zooKeeper());
    started.push(new Step("stopping the HBase mini cluster", hbase::close));
    zk = hbase.zk();
    ports = new DataDir.Ports(hbase.zkPort(), ports.redis());
    progress(
        String.format(
            "      HBase is up at %s (ZooKeeper) after %.0f s",
            zk, (System.nanoTime() - t0) / 1e9));
  }

  /**
   * [2/5] An embedded Redis on 127.0.0.1 with a password ({@link DemoRedis}), or the Redis of
   * {@code given} when not null; then, with a data directory, records the ports of both servers
   * there for the next start.
   */
  void startRedis(String given) throws IOException {
    if (given == null) {
      progress("[2/5] Starting Redis on 127.0.0.1...");
      int redisPort = ports.redis() > 0 ? ports.redis() : freePort();
      Path redisDir =
          Files.createDirectories(keep == null ? work.resolve("redis") : DataDir.redis(keep));
      // A new password for every demo, unless the data directory keeps one (DataDir.redisPassword).
      String password = keep == null ? DemoRedis.newPassword() : DataDir.redisPassword(keep);
      // A kept Redis logs every write to its append-only file (fsynced every second, and at a clean
      // stop) and reads it back at the next start; no snapshots either way.
      RedisServer server = DemoRedis.start(redisPort, redisDir, keep != null, password, work);
      started.push(new Step("stopping Redis", server::stop));
      redis = DemoRedis.url(password, redisPort);
      ports = new DataDir.Ports(ports.zooKeeper(), redisPort);
      progress("      Redis is up at " + RedisUrls.masked(redis));
    } else {
      redis = given;
      progress("[2/5] Using Redis at " + RedisUrls.masked(redis));
    }
    if (keep != null) {
      DataDir.keepPorts(keep, ports);
    }
  }

  /**
   * [3/5] The events table and the API, which answers health with "starting" until {@link
   * #announce}. Started before the pipeline because the discovery file names its URL, whose port
   * ({@code --port 0}) is known only once it listens.
   *
   * @param readToken the token reads need, or null for open reads
   * @param allowedHosts host names the API answers to besides loopback and {@code bind}
   * @param historyArgs the Beam arguments of its history jobs ({@link Runners#forHistory})
   * @return the URL of the API and dashboard
   */
  String startApi(
      String bind,
      int port,
      String token,
      String readToken,
      List<String> allowedHosts,
      List<String> historyArgs)
      throws Exception {
    progress(
        "[3/5] Creating the events table and starting the API (history jobs on the "
            + historyRunner(historyArgs)
            + ")...");
    connection = HBaseConnector.connectAndCreateTable(zk);
    started.push(new Step("closing the HBase connection", connection::close));
    api =
        ApiServer.startingUntilMarkedReady(
            new ApiConfig(bind, port, redis, zk, token, readToken, allowedHosts, historyArgs, 0));
    this.readToken = readToken;
    api.start();
    started.push(new Step("stopping the API", api::close));
    String host = "0.0.0.0".equals(bind) || "::".equals(bind) ? "127.0.0.1" : bind;
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + api.port() + "/";
  }

  /** The runner {@code historyArgs} name, DirectRunner when none; for the progress line. */
  private static String historyRunner(List<String> historyArgs) {
    return historyArgs.stream()
        .filter(a -> a.startsWith("--runner="))
        .map(a -> a.substring("--runner=".length()))
        .findFirst()
        .orElse("DirectRunner");
  }

  /**
   * [4/5] The pipeline with these options (its servers are set here), or none when {@code options}
   * is null.
   */
  void startPipeline(ClickstreamOptions options, List<String> beamArgs) throws IOException {
    if (options == null) {
      progress("[4/5] No pipeline (--no-pipeline)");
      return;
    }
    progress(
        "[4/5] Starting the pipeline (session gap "
            + options.getSessionGap()
            + ", allowed lateness "
            + options.getAllowedLateness()
            + ")...");
    options.setHbaseZk(zk);
    options.setRedisUrl(redis);
    if (keep != null) {
      DataDir.keepFlinkState(options, beamArgs, keep, log);
    }
    Runners.prepareLive(options, beamArgs);
    PipelineResult pipeline = ClickstreamPipeline.run(options);
    started.push(new Step("cancelling the pipeline", pipeline::cancel));
  }

  /** [5/5] A generator of synthetic traffic, or none when {@code generator} is null. */
  void startGenerator(GeneratorOptions generator) {
    if (generator == null) {
      progress("[5/5] No generator (--no-generator)");
      return;
    }
    long seed = generator.chooseSeed();
    progress(
        String.format(
            "[5/5] Starting the generator: about %s events/s, %d users (seed %d)...",
            generator.rateText(), generator.users, seed));
    LiveGenerator live =
        new LiveGenerator(
            connection, generator.journeys(seed), generator.rate, null, log, Duration.ofMinutes(1));
    live.start();
    started.push(new Step("stopping the generator", live::stop));
  }

  /**
   * Writes the discovery file, through which the other commands find the demo, and marks the API
   * ready.
   */
  void announce(long pid, String apiUrl, boolean runsPipeline) throws IOException {
    Path file =
        Discovery.write(new Discovery.DemoInfo(pid, zk, redis, apiUrl, runsPipeline, readToken));
    started.push(new Step("removing " + file, () -> Discovery.deleteIfOurs(pid)));
    api.markReady();
  }

  /**
   * The starter notebook, once the API answers: a demo without it still works, so a failure is
   * told, not thrown.
   */
  void storeStarterNotebook(String apiUrl, String apiToken) {
    try {
      if (StarterNotebook.storeIfMissing(apiUrl, apiToken, readToken)) {
        progress(
            "Stored the starter notebook: " + apiUrl + "notebook.html?id=" + StarterNotebook.ID);
      }
    } catch (IOException e) {
      progress("The starter notebook was not stored: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code host:port} of HBase's ZooKeeper, once {@link #startHBase} has run. */
  String zk() {
    return zk;
  }

  /**
   * {@code redis://:PASSWORD@127.0.0.1:port} of the embedded Redis, or the URL given, once {@link
   * #startRedis} has run; print it {@link io.clickstream.core.RedisUrls#masked}.
   */
  String redis() {
    return redis;
  }

  /** Stops what was started, last first, one progress line each; a second call does nothing. */
  synchronized void stop() {
    if (started.isEmpty()) {
      return;
    }
    log.println();
    log.println("Shutting down...");
    log.flush();
    while (!started.isEmpty()) {
      Step step = started.pop();
      long t0 = System.nanoTime();
      log.print("  " + step.name() + "... ");
      log.flush();
      try {
        step.undo().run();
        log.printf("done (%.1f s)%n", (System.nanoTime() - t0) / 1e9);
      } catch (Throwable t) {
        log.println("failed: " + Analytics.describe(t));
      }
      log.flush();
    }
    log.println("Stopped.");
    log.flush();
  }

  private void progress(String line) {
    log.println(line);
    log.flush();
  }

  /**
   * Fails before the slow start-up, rather than after it, when a port is taken; 0 asks for none.
   */
  static void checkPortFree(String bind, int port, String fix) {
    if (port == 0) {
      return;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new java.net.InetSocketAddress(bind, port));
    } catch (IOException e) {
      throw new UserError(
          "cannot listen on " + bind + ":" + port + " (" + e.getMessage() + "): " + fix);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
