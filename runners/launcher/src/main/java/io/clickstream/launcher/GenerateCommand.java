package io.clickstream.launcher;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.hadoop.hbase.client.Connection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
    exitCodeList = {
      "0:done (duration over, or Ctrl-C)",
      "2:usage error, or HBase could not be reached"
    })
final class GenerateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin GeneratorOptions generator;

  @Option(
      names = "--duration",
      paramLabel = "D",
      converter = DurationConverter.class,
      description = "How long to run: ISO-8601 (PT5M) or 90s, 5m, 1h30m. Default: until Ctrl-C.")
  Duration duration;

  @Option(
      names = "--hbase-zk",
      paramLabel = "host:port",
      description =
          "ZooKeeper of the HBase cluster. Default: the running demo's (found through ~/.clickstream/demo.json).")
  String hbaseZk;

  /** How often progress is reported. */
  Duration progressEvery = Duration.ofSeconds(5);

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    generator.check();
    long actualSeed = generator.chooseSeed();
    String zk = Discovery.resolveHBase(hbaseZk, err);
    try (Connection connection = HBaseConnector.connectAndCreateTable(zk)) {
      LiveGenerator live =
          new LiveGenerator(
              connection,
              generator.journeys(actualSeed),
              generator.rate,
              duration,
              err,
              progressEvery);
      err.printf(
          "Generating about %s events/s for %d users into HBase at %s (seed %d), %s.%n",
          generator.rateText(),
          generator.users,
          zk,
          actualSeed,
          duration == null
              ? "until Ctrl-C"
              : "for " + duration.toString().substring(2).toLowerCase());
      err.flush();
      Thread hook =
          new Thread(
              () -> {
                try {
                  live.stop();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                err.printf("Stopped: %,d events written.%n", live.written());
                err.flush();
              },
              "clickstream-generate-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      live.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C arrived as the run ended: the hook reports.
      }
      out.printf("%d events written%n", live.written());
      out.flush();
      return Analytics.EXIT_OK;
    }
  }
}
