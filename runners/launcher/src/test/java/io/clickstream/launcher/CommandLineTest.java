package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.TypeConversionException;

/**
 * The command line itself: help, usage errors and discovery failures; none of these needs a server.
 */
class CommandLineTest {

  @TempDir Path home;

  @BeforeEach
  void isolateTheDiscoveryFile() {
    System.setProperty("clickstream.home", home.toString());
  }

  @AfterEach
  void restoreTheDiscoveryFile() {
    System.clearProperty("clickstream.home");
  }

  @ParameterizedTest(name = "{0} --help")
  @CsvSource({
    "'', --version",
    "load, --batch-size",
    "generate, --duration",
    "demo, --no-generator",
    "backfill, --funnel",
    "run, --data-dir",
    "stop, --timeout",
  })
  void helpWorksOnEveryCommandAndListsItsOptions(String command, String anOption) {
    // Picocli reports a broken help text (a stray % in a description, say) on System.err.
    java.io.PrintStream stderr = System.err;
    java.io.ByteArrayOutputStream picocliWarnings = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(picocliWarnings, true));
    Run run;
    try {
      run = command.isEmpty() ? Run.of("--help") : Run.of(command, "--help");
    } finally {
      System.setErr(stderr);
    }
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).contains("Usage:", anOption, "--help");
    assertThat(picocliWarnings.toString()).isEmpty();
  }

  @Test
  void theTopLevelHelpListsTheSubcommandsAndTheScriptsTestCommand() {
    Run run = Run.of("--help");
    assertThat(run.out()).contains("demo", "load", "generate", "backfill", "./analytics test");
  }

  @Test
  void loadsHelpDocumentsItsExitCodes() {
    Run run = Run.of("load", "--help");
    assertThat(run.out())
        .contains("FILE|-", "--hbase-zk", "Exit codes:", "some lines were rejected");
  }

  @Test
  void demosHelpListsItsOptionsAndTheBeamPassThrough() {
    Run run = Run.of("demo", "--help");
    assertThat(run.out())
        .contains(
            "--port",
            "--session-gap",
            "--allowed-lateness",
            "--hbase-zk",
            "--redis",
            "--rate",
            "--api-token",
            "CLICKSTREAM_API_TOKEN",
            "--runner=DirectRunner",
            "--data-dir",
            "--no-pipeline");
  }

  @Test
  void noSubcommandIsAUsageError() {
    Run run = Run.of();
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Usage:", "error: a subcommand is required");
  }

  @Test
  void loadWithoutAFileIsAUsageErrorInOneLine() {
    Run run = Run.of("load");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("error: Missing required parameter: 'FILE|-'")
        .contains("load --help");
  }

  @Test
  void aMalformedHBaseAddressIsReportedWithoutAStackTrace() throws Exception {
    Path file = Files.writeString(home.resolve("e.jsonl"), "");
    Run run = Run.of("load", file.toString(), "--hbase-zk", "localhost");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip())
        .isEqualTo(
            "error: --hbase-zk: expected host:port (ZooKeeper of the HBase cluster), got 'localhost'");
  }

  @Test
  void aMissingFileIsReportedInOneLine() {
    Run run = Run.of("load", home.resolve("nope.jsonl").toString(), "--hbase-zk", "127.0.0.1:1");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip())
        .isEqualTo("error: cannot read " + home.resolve("nope.jsonl") + ": no such file");
  }

  @Test
  void anHBaseThatIsNotThereIsReportedAtOnceInOneLine() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort(); // free once closed: nothing listens there
    }
    Path file = Files.writeString(home.resolve("e.jsonl"), "");
    long t0 = System.nanoTime();
    Run run = Run.of("load", file.toString(), "--hbase-zk", "127.0.0.1:" + port);
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().strip())
        .startsWith("error: cannot reach HBase at 127.0.0.1:" + port + ": Connection refused")
        .doesNotContain("\n");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void withoutADemoOrAnAddressLoadNamesTheFix() throws Exception {
    Path file = Files.writeString(home.resolve("e.jsonl"), "");
    Run run = Run.of("load", file.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            "error: no HBase to use: no demo is running ("
                + home.resolve("demo.json")
                + " does not exist)")
        .contains("start ./analytics demo, or pass --hbase-zk host:port");
  }

  @Test
  void aDiscoveryFileOfADeadDemoIsIgnoredAndSaidSo() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Discovery.write(
        new Discovery.DemoInfo(
            gone.pid(),
            "127.0.0.1:2181",
            "redis://127.0.0.1:6379",
            "http://127.0.0.1:4567/",
            true));
    Run run = Run.of("generate", "--duration", "1s");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("was written by pid " + gone.pid() + ", which is no longer running")
        .contains("start ./analytics demo, or pass --hbase-zk host:port");
  }

  @Test
  void theDemoRejectsAnUnknownBeamOptionBeforeStartingAnything() {
    Run run = Run.of("demo", "--runner=NoSuchRunner");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: invalid Beam option:").contains("NoSuchRunner");
    assertThat(run.err()).doesNotContain("[1/5]");
  }

  @Test
  void theDemoAndRunUseEmbeddedFlinkUnlessARunnerIsNamed() {
    assertThat(
            BeamArgs.parse(List.of(), "demo", BeamArgs.LIVE_DEFAULT_RUNNER)
                .getRunner()
                .getSimpleName())
        .isEqualTo("FlinkRunner");
    assertThat(
            BeamArgs.parse(List.of("--runner=DirectRunner"), "run", BeamArgs.LIVE_DEFAULT_RUNNER)
                .getRunner()
                .getSimpleName())
        .isEqualTo("DirectRunner");
  }

  @Test
  void aLiveDirectRunnerSkipsItsElementChecksUnlessTheArgumentsAskForThem() {
    List<String> none = List.of("--runner=DirectRunner");
    DirectOptions live = BeamArgs.parse(none, "run").as(DirectOptions.class);
    Runners.prepareLive(live, none);
    List<String> asked = List.of("--runner=DirectRunner", "--enforceImmutability=true");
    DirectOptions checked = BeamArgs.parse(asked, "run").as(DirectOptions.class);
    Runners.prepareLive(checked, asked);

    assertThat(live.isEnforceImmutability()).isFalse();
    assertThat(live.isEnforceEncodability()).isFalse();
    assertThat(checked.isEnforceImmutability()).isTrue();
  }

  @Test
  void aJobOnTheDirectRunnerReturnsFromRunOnceStartedSoTheCommandCanWatchIt() {
    List<String> args = List.of("--runner=DirectRunner");
    DirectOptions live = BeamArgs.parse(args, "run").as(DirectOptions.class);
    Runners.prepareLive(live, args);
    DirectOptions backfill = BeamArgs.parse(args, "backfill").as(DirectOptions.class);
    Runners.prepareBackfill(backfill);

    assertThat(live.isBlockOnRun()).isFalse();
    assertThat(backfill.isBlockOnRun()).isFalse();
    assertThat(backfill.isEnforceImmutability()).isTrue();
  }

  @Test
  void theDemoRejectsAStrayArgument() {
    Run run = Run.of("demo", "--portt", "80");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("error: unknown argument '--portt'");
  }

  @Test
  void theDemoChecksItsPortBeforeStartingAnything() throws Exception {
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      Run run = Run.of("demo", "--port", String.valueOf(taken.getLocalPort()));
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err())
          .startsWith("error: cannot listen on 127.0.0.1:" + taken.getLocalPort())
          .contains("--port 0")
          .doesNotContain("[1/5]");
    }
  }

  @Test
  void theDemoRefusesToStartTwice() throws Exception {
    Discovery.write(
        new Discovery.DemoInfo(
            ProcessHandle.current().pid(),
            "127.0.0.1:2181",
            "redis://x:1",
            "http://127.0.0.1:4567/",
            true));
    Run run = Run.of("demo");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("error: a demo is already running as pid " + ProcessHandle.current().pid());
  }

  @Test
  void runRefusesToStartASecondPipelineBesideADemoThatRunsItsOwn() throws Exception {
    Discovery.write(
        new Discovery.DemoInfo(
            ProcessHandle.current().pid(),
            "127.0.0.1:2181",
            "redis://127.0.0.1:6379",
            "http://127.0.0.1:4567/",
            true));
    Run run = Run.of("run");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "error: the demo running as pid "
                + ProcessHandle.current().pid()
                + " runs its own pipeline on redis://127.0.0.1:6379",
            "start the demo with --no-pipeline");
    assertThat(RunningPipeline.running()).isEqualTo(-1);
  }

  @Test
  void aDemoWithoutPipelineRefusesBeamOptionsBeforeStartingAnything() {
    Run run = Run.of("demo", "--no-pipeline", "--runner=DirectRunner");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("error: --no-pipeline starts no pipeline for --runner=DirectRunner")
        .doesNotContain("[1/5]");
  }

  @Test
  void aDataDirKeepsTheCheckpointsOfEmbeddedFlinkOnlyNotOfACluster() {
    Run run =
        Run.of(
            "run",
            "--hbase-zk",
            "127.0.0.1:2181",
            "--redis",
            "redis://127.0.0.1:6379",
            "--flinkMaster=jobmanager:8081",
            "--data-dir",
            home.resolve("data").toString());
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "error: --data-dir keeps the checkpoints of embedded Flink, not of a cluster "
                + "(--flinkMaster=jobmanager:8081)")
        .doesNotContain("Starting the pipeline");
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "PT5M, PT5M",
    "5m, PT5M",
    "90s, PT1M30S",
    "1h30m, PT1H30M",
    "2d, PT48H",
    "250ms, PT0.25S",
    "pt10s, PT10S"
  })
  void durationsAreReadAsIsoOrShortForm(String text, String expected) {
    assertThat(DurationConverter.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @Test
  void aBadDurationIsAUsageErrorThatShowsTheAcceptedForms() {
    Run run = Run.of("generate", "--duration", "five minutes");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("is not a duration", "PT5M", "5m");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DurationConverter.parse("-PT5M"))
        .isInstanceOf(TypeConversionException.class);
  }
}
