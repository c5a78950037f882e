package io.clickstream.launcher;

import io.clickstream.core.RedisUrls;
import io.clickstream.pipeline.ClickstreamOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Everything in one process: HBase, Redis, the pipeline on embedded Flink, the API and a generator.
 */
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
          + "test runner: fine for a trickle of events, far slower under load), --runner=StormRunner (Storm "
          + "on an in-process LocalCluster) or --parallelism=2.",
      "The notebook's history queries (funnel_preview, paths, time_to_convert) run as Beam jobs in this "
          + "process: on the Direct runner, or on the runner named with --runner= (FlinkRunner on an "
          + "embedded cluster, StormRunner on the same LocalCluster), with --parallelism if given."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped with Ctrl-C", "2:usage error, or a part failed to start"})
final class DemoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--no-generator",
      description = "Do not generate traffic: only what you load shows up.")
  boolean noGenerator;

  @Option(
      names = "--no-pipeline",
      description =
          "Start HBase, Redis and the API only; `./analytics run` finds them and runs the pipeline.")
  boolean noPipeline;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Keep the data in DIR instead of deleting it on exit: HBase's tables in DIR/hbase, Redis's "
              + "append-only file in DIR/redis and its password in DIR/redis.password, embedded Flink's checkpoints "
              + "in DIR/checkpoints (every 10 s unless --checkpointingInterval=MILLIS). Started again with the "
              + "same DIR, the demo carries on.")
  Path dataDir;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "4567",
      description =
          "Port of the API and dashboard (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description =
          "Interface the API listens on (default: ${DEFAULT-VALUE}; reads need no authentication).")
  String bind;

  @Option(
      names = "--api-token",
      paramLabel = "TOKEN",
      description =
          "Bearer token the API requires for writes (funnel definitions). Defaults to env "
              + "CLICKSTREAM_API_TOKEN; if neither is given, the demo generates a random one and prints it.")
  String apiToken;

  @Option(
      names = "--read-token",
      paramLabel = "TOKEN",
      description =
          "Bearer token the API then requires for reads too (all of /api/ but /api/health; the API token "
              + "also reads). Defaults to env CLICKSTREAM_READ_TOKEN; without either, reads are open. "
              + "The dashboard asks for it once per browser tab.")
  String readToken;

  @Option(
      names = "--allowed-hosts",
      paramLabel = "NAME",
      split = ",",
      description =
          "Host names the API answers to besides 127.0.0.1, localhost, [::1] and the --bind address, "
              + "comma-separated, e.g. analytics.example.com behind a proxy. A request naming any other "
              + "host in its Host header gets 403 (against DNS rebinding).")
  List<String> allowedHosts = new ArrayList<>();

  /**
   * --hbase-zk and --redis: servers to use instead of starting them; --session-gap,
   * --allowed-lateness.
   */
  @Mixin PipelineTarget target;

  @Mixin GeneratorOptions generator;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter log = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    generator.check();
    Discovery.DemoInfo other = Discovery.runningDemo();
    if (other != null) {
      throw new UserError(
          "a demo is already running as pid "
              + other.pid()
              + " ("
              + other.apiUrl()
              + "); stop it first, or delete "
              + Discovery.demoFile()
              + " if that is wrong");
    }
    if (noPipeline && !beamArgs.isEmpty()) {
      throw new UserError(
          "--no-pipeline starts no pipeline for "
              + String.join(" ", beamArgs)
              + ": give Beam options to ./analytics run");
    }
    Path keep = dataDir == null ? null : dataDir.toAbsolutePath().normalize();
    // Beam's options are checked before anything slow starts, so a typo fails at once.
    ClickstreamOptions options = BeamArgs.parse(beamArgs, "demo", BeamArgs.LIVE_DEFAULT_RUNNER);
    target.applySessionRules(options);
    if (keep != null && !noPipeline) {
      DataDir.checkFlinkOptions(options, beamArgs);
    }
    if (target.hbaseZk != null) {
      HBaseConnector.quorum(target.hbaseZk);
    }
    DemoStack.checkPortFree(bind, port, "pass --port N, or --port 0 for a free one");
    DataDir.Ports ports = keep == null ? DataDir.Ports.ANY : DataDir.ports(keep);
    if (keep != null) {
      String fix =
          " listened there at the last start, and the Flink checkpoints in "
              + DataDir.checkpoints(keep)
              + " look for it there: free the port, or delete "
              + keep.resolve(DataDir.PORTS)
              + " and those checkpoints";
      DemoStack.checkPortFree(
          "127.0.0.1", target.hbaseZk == null ? ports.zooKeeper() : 0, "ZooKeeper" + fix);
      DemoStack.checkPortFree(
          "127.0.0.1", target.redisUrl == null ? ports.redis() : 0, "Redis" + fix);
    }

    long pid = ProcessHandle.current().pid();
    DemoStack stack = new DemoStack(log, keep, ports);
    Thread hook = new Thread(stack::stop, "clickstream-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stack.startHBase(target.hbaseZk);
    stack.startRedis(target.redisUrl);
    ApiToken token = apiToken(apiToken, System.getenv(TOKEN_ENV));
    // Health says "starting" until announce() has written demo.json, so whoever waits for health
    // finds the demo.
    String reads = readToken(readToken, System.getenv(READ_TOKEN_ENV));
    String apiUrl =
        stack.startApi(
            bind, port, token.value(), reads, allowedHosts, Runners.forHistory(beamArgs));
    stack.startPipeline(noPipeline ? null : options, beamArgs);
    stack.startGenerator(noGenerator ? null : generator);
    // Before announce: whoever waits for health finds the starter notebook there too.
    stack.storeStarterNotebook(apiUrl, token.value());
    stack.announce(pid, apiUrl, !noPipeline);

    printBanner(out, pid, apiUrl, stack.zk(), stack.redis(), keep, token, reads != null);
    try {
      new CountDownLatch(1).await(); // until Ctrl-C: the shutdown hook stops everything
    } catch (InterruptedException e) {
      // How a program running the demo in its own JVM (a test) stops it as Ctrl-C would, JVM
      // excepted.
      Runtime.getRuntime().removeShutdownHook(hook);
      stack.stop();
    }
    return Analytics.EXIT_OK;
  }

  /** What the user reads once the demo is up: where everything is, and what to try. */
  private void printBanner(
      PrintWriter out,
      long pid,
      String apiUrl,
      String zk,
      String redis,
      Path keep,
      ApiToken token,
      boolean readsNeedToken) {
    out.println();
    out.println("Clickstream demo is running (pid " + pid + ").");
    out.println("  Dashboard:  " + apiUrl);
    out.println("  HBase:      " + zk + " (ZooKeeper)");
    out.println(
        "  Redis:      "
            + RedisUrls.masked(redis)
            + (target.redisUrl == null
                ? " (its password is in " + Discovery.demoFile() + ", readable by you only)"
                : ""));
    out.println(
        "  Data:       " + dataLine(keep, target.hbaseZk == null || target.redisUrl == null));
    if (noPipeline) {
      out.println(
          "  Pipeline:   none (--no-pipeline): start it with ./analytics run, which finds this demo");
    }
    out.println();
    out.println("Load your own events (one JSON object per line) from another terminal:");
    out.println(
        "  ./analytics load events.jsonl        # or: cat events.jsonl | ./analytics load -");
    out.println("More traffic:  ./analytics generate --rate 50");
    out.println();
    // A token the user chose is a secret of theirs: only a generated one is shown in full.
    out.println("API token for writes: " + token.description());
    if (readsNeedToken) {
      out.println(
          "Reads need the read token ("
              + (readToken != null && !readToken.isBlank()
                  ? "the one given with --read-token"
                  : "the one in " + READ_TOKEN_ENV)
              + "); the dashboard asks for it once per tab.");
    }
    out.println("Define a funnel (then open it from the dashboard):");
    out.println(
        "  curl -X PUT -H \"Authorization: Bearer "
            + token.shown()
            + "\" -H 'Content-Type: application/json' \\");
    out.println("    " + apiUrl + "api/funnels/signup \\");
    out.println(
        "    -d '{\"name\":\"Signup\",\"steps\":[{\"event\":\"page_view\"},{\"event\":\"search\"},"
            + "{\"event\":\"register\"}],\"breakdown\":[\"source\"]}'");
    out.println("Press Ctrl-C to stop.");
    out.flush();
  }

  static final String TOKEN_ENV = "CLICKSTREAM_API_TOKEN";

  static final String READ_TOKEN_ENV = "CLICKSTREAM_READ_TOKEN";

  /** The option's read token, else the environment's, else null: reads are open. */
  static String readToken(String option, String environment) {
    if (option != null && !option.isBlank()) {
      return option;
    }
    return environment != null && !environment.isBlank() ? environment : null;
  }

  /** What the banner says of the data: where it is kept, or that it goes when the demo does. */
  private static String dataLine(Path keep, boolean embedded) {
    if (keep != null) {
      return "kept in " + keep + "; start the demo again with --data-dir " + keep + " to carry on";
    }
    return embedded
        ? "temporary: deleted when the demo stops (--data-dir DIR keeps it)"
        : "in the HBase and Redis given";
  }

  /**
   * The API token and where it came from.
   *
   * @param description what the banner says of it: the token itself only when generated
   * @param shown how the banner's example shows it
   */
  record ApiToken(String value, String description, String shown) {}

  /**
   * The option's token, else the environment's, else a fresh random one (128 bits, as 32 hex
   * digits).
   */
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
    return new ApiToken(
        token, token + " (generated; choose one with --api-token or " + TOKEN_ENV + ")", token);
  }
}
