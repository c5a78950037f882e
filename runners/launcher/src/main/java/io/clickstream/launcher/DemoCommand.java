package io.clickstream.launcher;

import io.clickstream.api.ApiConfig;
import io.clickstream.api.ApiServer;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.ClickstreamPipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.apache.hadoop.hbase.client.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import redis.embedded.RedisServer;

/** Everything in one process: HBase, Redis, the pipeline on embedded Flink, the API and a generator. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    header = "Run everything in one process: HBase, Redis, pipeline, API and dashboard, generator.",
    description = {
      "Runs the whole system in this process, on embedded Flink: an HBase mini cluster, an "
          + "embedded Redis (127.0.0.1 only), the streaming pipeline, the JSON API with the dashboard, "
          + "and a generator of synthetic traffic. Prints the dashboard's URL; Ctrl-C stops everything.",
      "While it runs, `./analytics load FILE` and `./analytics generate` find it by themselves "
          + "(through ~/.clickstream/demo.json, or $CLICKSTREAM_HOME/demo.json).",
      "Until every part is up and that file is written, GET /api/health answers 503 \"starting\": "
          + "a script waits for 200 before using the demo.",
      "Its data is deleted when it stops, unless --data-dir DIR keeps it: started again with the same DIR, "
          + "the demo has its events, aggregates and funnels, and the pipeline carries on where it stopped.",
      "Any other --name=value option is passed to Beam, e.g. --runner=DirectRunner (Beam's "
          + "test runner: fine for a trickle of events, far slower under load) or --parallelism=2."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped with Ctrl-C", "2:usage error, or a part failed to start"})
final class DemoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--no-generator", description = "Do not generate traffic: only what you load shows up.")
  boolean noGenerator;

  @Option(names = "--no-pipeline",
      description = "Start HBase, Redis and the API only; `./analytics run` finds them and runs the pipeline.")
  boolean noPipeline;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Keep the data in DIR instead of deleting it on exit: HBase's tables in DIR/hbase, Redis's "
          + "append-only file in DIR/redis, embedded Flink's checkpoints in DIR/checkpoints (every 10 s unless "
          + "--checkpointingInterval=MILLIS). Started again with the same DIR, the demo carries on.")
  Path dataDir;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "4567",
      description = "Port of the API and dashboard (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "Interface the API listens on (default: ${DEFAULT-VALUE}; reads need no authentication).")
  String bind;

  @Option(names = "--api-token", paramLabel = "TOKEN",
      description = "Bearer token the API requires for writes (funnel definitions). Defaults to env "
          + "CLICKSTREAM_API_TOKEN; if neither is given, the demo generates a random one and prints it.")
  String apiToken;

  @Option(names = "--session-gap", paramLabel = "D", defaultValue = "PT30M", converter = DurationConverter.class,
      description = "Inactivity that closes a user's session (default: ${DEFAULT-VALUE}).")
  Duration sessionGap;

  @Option(names = "--allowed-lateness", paramLabel = "D", defaultValue = "PT10M", converter = DurationConverter.class,
      description = "How late an event may arrive and still be counted (default: ${DEFAULT-VALUE}).")
  Duration allowedLateness;

  @Option(names = "--hbase-zk", paramLabel = "host:port",
      description = "Use this HBase (its ZooKeeper) instead of starting a mini cluster.")
  String hbaseZk;

  @Option(names = "--redis", paramLabel = "redis://host:port",
      description = "Use this Redis instead of starting an embedded one.")
  String redisUrl;

  @Option(names = "--rate", paramLabel = "N", defaultValue = "20",
      description = "Events per second of the generator (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--users", paramLabel = "N", defaultValue = "200",
      description = "Users browsing at the same time in the generator (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the generator. Default: random.")
  Long seed;

  @Unmatched
  List<String> beamArgs = new ArrayList<>();

  private PrintWriter log;
  private final Deque<Step> started = new ArrayDeque<>();

  /** Something to undo on shutdown, named for the progress line. */
  private record Step(String name, Undo undo) {}

  @FunctionalInterface
  private interface Undo {
    void run() throws Exception;
  }

  @Override
  public Integer call() throws Exception {
    log = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    if (!(rate > 0)) {
      throw new UserError("--rate must be positive, got " + rate);
    }
    if (users < 1) {
      throw new UserError("--users must be at least 1, got " + users);
    }
    Discovery.DemoInfo other = Discovery.runningDemo();
    if (other != null) {
      throw new UserError("a demo is already running as pid " + other.pid() + " (" + other.apiUrl()
          + "); stop it first, or delete " + Discovery.demoFile() + " if that is wrong");
    }
    if (noPipeline && !beamArgs.isEmpty()) {
      throw new UserError("--no-pipeline starts no pipeline for " + String.join(" ", beamArgs)
          + ": give Beam options to ./analytics run");
    }
    Path keep = dataDir == null ? null : dataDir.toAbsolutePath().normalize();
    // Beam's options are checked before anything slow starts, so a typo fails at once.
    ClickstreamOptions options = BeamArgs.parse(beamArgs, "demo", BeamArgs.LIVE_DEFAULT_RUNNER);
    if (keep != null && !noPipeline) {
      DataDir.checkFlinkOptions(options, beamArgs);
    }
    if (hbaseZk != null) {
      HBaseConnections.quorum(hbaseZk);
    }
    checkPortFree(bind, port, "pass --port N, or --port 0 for a free one");
    DataDir.Ports ports = keep == null ? DataDir.Ports.ANY : DataDir.ports(keep);
    if (keep != null) {
      String fix = " listened there at the last start, and the Flink checkpoints in " + DataDir.checkpoints(keep)
          + " look for it there: free the port, or delete " + keep.resolve(DataDir.PORTS) + " and those checkpoints";
      checkPortFree("127.0.0.1", hbaseZk == null ? ports.zooKeeper() : 0, "ZooKeeper" + fix);
      checkPortFree("127.0.0.1", redisUrl == null ? ports.redis() : 0, "Redis" + fix);
    }

    long pid = ProcessHandle.current().pid();
    Thread hook = new Thread(this::shutdown, "clickstream-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Path work = Files.createTempDirectory("clickstream-demo-");
    started.push(new Step("deleting temporary files in " + work, () -> deleteTree(work)));

    String zk = hbaseZk;
    if (zk == null) {
      progress("[1/5] Starting HBase mini cluster (about 30 s)...");
      long t0 = System.nanoTime();
      EmbeddedHBase hbase =
          EmbeddedHBase.start(work.resolve("hbase"), keep == null ? null : DataDir.hbase(keep), ports.zooKeeper());
      started.push(new Step("stopping the HBase mini cluster", hbase::close));
      zk = hbase.zk();
      ports = new DataDir.Ports(hbase.zkPort(), ports.redis());
      progress(String.format("      HBase is up at %s (ZooKeeper) after %.0f s", zk, (System.nanoTime() - t0) / 1e9));
    } else {
      progress("[1/5] Using HBase at " + zk);
    }

    String redis = redisUrl;
    if (redis == null) {
      progress("[2/5] Starting Redis on 127.0.0.1...");
      int redisPort = ports.redis() > 0 ? ports.redis() : freePort();
      Path redisDir = Files.createDirectories(keep == null ? work.resolve("redis") : DataDir.redis(keep));
      // A kept Redis logs every write to its append-only file (fsynced every second, and at a clean stop)
      // and reads it back at the next start; no snapshots either way.
      RedisServer server = RedisServer.newRedisServer()
          .port(redisPort)
          .bind("127.0.0.1")
          .setting("dir \"" + redisDir + "\"")
          .setting("save \"\"")
          .setting("appendonly " + (keep == null ? "no" : "yes"))
          .build();
      server.start();
      started.push(new Step("stopping Redis", server::stop));
      redis = "redis://127.0.0.1:" + redisPort;
      ports = new DataDir.Ports(ports.zooKeeper(), redisPort);
      progress("      Redis is up at " + redis);
    } else {
      progress("[2/5] Using Redis at " + redis);
    }

    if (keep != null) {
      DataDir.keepPorts(keep, ports);
    }

    progress("[3/5] Creating the events table and starting the API...");
    Connection connection = HBaseConnections.connectAndCreateTable(zk);
    started.push(new Step("closing the HBase connection", connection::close));
    ApiToken token = apiToken(apiToken, System.getenv(TOKEN_ENV));
    // Started first because demo.json names its URL, whose port (--port 0) is known only once it listens;
    // health says "starting" until demo.json is written below, so whoever waits for health finds the demo.
    ApiServer api = ApiServer.startingUntilMarkedReady(new ApiConfig(bind, port, redis, zk, token.value()));
    api.start();
    started.push(new Step("stopping the API", api::close));
    String host = "0.0.0.0".equals(bind) || "::".equals(bind) ? "127.0.0.1" : bind;
    String apiUrl = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + api.port() + "/";

    if (noPipeline) {
      progress("[4/5] No pipeline (--no-pipeline)");
    } else {
      progress("[4/5] Starting the pipeline (session gap " + sessionGap + ", allowed lateness " + allowedLateness + ")...");
      options.setHbaseZk(zk);
      options.setRedisUrl(redis);
      options.setSessionGap(sessionGap.toString());
      options.setAllowedLateness(allowedLateness.toString());
      if (keep != null) {
        DataDir.keepFlinkState(options, beamArgs, keep, log);
      }
      Runners.prepareLive(options, beamArgs);
      PipelineResult pipeline = ClickstreamPipeline.run(options);
      started.push(new Step("cancelling the pipeline", pipeline::cancel));
    }

    if (noGenerator) {
      progress("[5/5] No generator (--no-generator)");
    } else {
      long actualSeed = seed != null ? seed : System.nanoTime();
      progress(String.format("[5/5] Starting the generator: about %s events/s, %d users (seed %d)...",
          rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate), users, actualSeed));
      LiveGenerator generator = new LiveGenerator(
          connection, new JourneyGenerator(actualSeed, users), rate, null, log, Duration.ofMinutes(1));
      generator.start();
      started.push(new Step("stopping the generator", generator::stop));
    }

    Path file = Discovery.write(new Discovery.DemoInfo(pid, zk, redis, apiUrl, !noPipeline));
    started.push(new Step("removing " + file, () -> Discovery.deleteIfOurs(pid)));
    api.markReady();

    out.println();
    out.println("Clickstream demo is running (pid " + pid + ").");
    out.println("  Dashboard:  " + apiUrl);
    out.println("  HBase:      " + zk + " (ZooKeeper)");
    out.println("  Redis:      " + redis);
    out.println("  Data:       " + dataLine(keep, hbaseZk == null || redisUrl == null));
    if (noPipeline) {
      out.println("  Pipeline:   none (--no-pipeline): start it with ./analytics run, which finds this demo");
    }
    out.println();
    out.println("Load your own events (one JSON object per line) from another terminal:");
    out.println("  ./analytics load events.jsonl        # or: cat events.jsonl | ./analytics load -");
    out.println("More traffic:  ./analytics generate --rate 50");
    out.println();
    // A token the user chose is a secret of theirs: only a generated one is shown in full.
    out.println("API token for writes: " + token.description());
    out.println("Define a funnel (then open it from the dashboard):");
    out.println("  curl -X PUT -H \"Authorization: Bearer " + token.shown() + "\" -H 'Content-Type: application/json' \\");
    out.println("    " + apiUrl + "api/funnels/signup \\");
    out.println("    -d '{\"name\":\"Signup\",\"steps\":[{\"event\":\"page_view\"},{\"event\":\"search\"},"
        + "{\"event\":\"register\"}],\"breakdown\":[\"source\"]}'");
    out.println("Press Ctrl-C to stop.");
    out.flush();

    try {
      new CountDownLatch(1).await(); // until Ctrl-C: the shutdown hook stops everything
    } catch (InterruptedException e) {
      // How a program running the demo in its own JVM (a test) stops it as Ctrl-C would, JVM excepted.
      Runtime.getRuntime().removeShutdownHook(hook);
      shutdown();
    }
    return Analytics.EXIT_OK;
  }

  static final String TOKEN_ENV = "CLICKSTREAM_API_TOKEN";

  /** What the banner says of the data: where it is kept, or that it goes when the demo does. */
  private static String dataLine(Path keep, boolean embedded) {
    if (keep != null) {
      return "kept in " + keep + "; start the demo again with --data-dir " + keep + " to carry on";
    }
    return embedded ? "temporary: deleted when the demo stops (--data-dir DIR keeps it)" : "in the HBase and Redis given";
  }

  /**
   * The API token and where it came from.
   *
   * @param description what the banner says of it: the token itself only when generated
   * @param shown how the banner's example shows it
   */
  record ApiToken(String value, String description, String shown) {}

  /** The option's token, else the environment's, else a fresh random one (128 bits, as 32 hex digits). */
  static ApiToken apiToken(String option, String environment) {
    if (option != null && !option.isBlank()) {
      return new ApiToken(option, "the one given with --api-token", "<your --api-token>");
    }
    if (environment != null && !environment.isBlank()) {
      return new ApiToken(environment, "the one in " + TOKEN_ENV, "$" + TOKEN_ENV);
    }
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    String token = HexFormat.of().formatHex(random);
    return new ApiToken(token, token + " (generated; choose one with --api-token or " + TOKEN_ENV + ")", token);
  }

  private synchronized void shutdown() {
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

  /** Fails before the slow start-up, rather than after it, when a port is taken; 0 asks for none. */
  private static void checkPortFree(String bind, int port, String fix) {
    if (port == 0) {
      return;
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new java.net.InetSocketAddress(bind, port));
    } catch (IOException e) {
      throw new UserError("cannot listen on " + bind + ":" + port + " (" + e.getMessage() + "): " + fix);
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
