package io.clickstream.launcher;

import io.clickstream.core.generator.JourneyGenerator;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.hadoop.hbase.client.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Writes synthetic funnel traffic into HBase in real time. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    header = "Write synthetic visitor journeys into HBase in real time.",
    description = {
      "Writes synthetic visitor journeys into HBase's events table in real time: landing -> search -> "
          + "questionnaire_start -> register (micro conversion) -> checkout (macro conversion), with "
          + "drop-off at each step, several sources, partners and campaigns, returning users, lines a "
          + "few seconds out of order, ~1%% duplicates and now and then a brand-new event name.",
      "Runs for --duration, or until Ctrl-C. Without --hbase-zk, uses the HBase of the running `./analytics demo`."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done (duration over, or Ctrl-C)", "2:usage error, or HBase could not be reached"})
final class GenerateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--rate", paramLabel = "N", defaultValue = "20",
      description = "Events per second, on average (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--users", paramLabel = "N", defaultValue = "200",
      description = "Users browsing at the same time (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
      description = "How long to run: ISO-8601 (PT5M) or 90s, 5m, 1h30m. Default: until Ctrl-C.")
  Duration duration;

  @Option(names = "--seed", paramLabel = "N",
      description = "Seed of the random journeys; the same seed gives the same events. Default: random.")
  Long seed;

  @Option(names = "--hbase-zk", paramLabel = "host:port",
      description = "ZooKeeper of the HBase cluster. Default: the running demo's (found through ~/.clickstream/demo.json).")
  String hbaseZk;

  /** How often progress is reported. */
  Duration progressEvery = Duration.ofSeconds(5);

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    if (!(rate > 0) || Double.isInfinite(rate)) {
      throw new UserError("--rate must be a positive number of events per second, got " + rate);
    }
    if (users < 1) {
      throw new UserError("--users must be at least 1, got " + users);
    }
    long actualSeed = seed != null ? seed : System.nanoTime();
    String zk = Discovery.resolveHBase(hbaseZk, err);
    try (Connection connection = HBaseConnections.connectAndCreateTable(zk)) {
      LiveGenerator generator = new LiveGenerator(
          connection, new JourneyGenerator(actualSeed, users), rate, duration, err, progressEvery);
      err.printf("Generating about %s events/s for %d users into HBase at %s (seed %d), %s.%n",
          formatRate(rate), users, zk, actualSeed,
          duration == null ? "until Ctrl-C" : "for " + duration.toString().substring(2).toLowerCase());
      err.flush();
      Thread hook = new Thread(() -> {
        try {
          generator.stop();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        err.printf("Stopped: %,d events written.%n", generator.written());
        err.flush();
      }, "clickstream-generate-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      generator.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C arrived as the run ended: the hook reports.
      }
      out.printf("%d events written%n", generator.written());
      out.flush();
      return Analytics.EXIT_OK;
    }
  }

  private static String formatRate(double rate) {
    return rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate);
  }
}
