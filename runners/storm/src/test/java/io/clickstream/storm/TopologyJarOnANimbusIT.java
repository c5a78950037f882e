package io.clickstream.storm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clickstream.pipeline.testing.Await;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.apache.storm.generated.TopologySummary;
import org.apache.storm.utils.NimbusClient;
import org.joda.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --localCluster=false}: StormRunner uploads the topology jar this module's package phase
 * built (the jar itself, named by the build) to a real Nimbus over Thrift, submits the topology,
 * and follows and kills it through Nimbus. The Nimbus is storm-server's, with its Thrift daemon on
 * 127.0.0.1; its supervisor runs the workers in this JVM.
 */
class TopologyJarOnANimbusIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final org.joda.time.Duration JOB_TIMEOUT =
      org.joda.time.Duration.standardSeconds(90);
  private static final long MINUTE = 60_000;

  private static LoopbackZooKeeper zooKeeper;
  private static LocalCluster cluster;
  private static NimbusAddress nimbus;

  @BeforeAll
  static void startNimbus() throws Exception {
    zooKeeper = LoopbackZooKeeper.start();
    // A port known before Nimbus starts, and the seeds, as a cluster's storm.yaml gives them: the
    // workers' configuration is how a job's end reaches Nimbus (JobEndBolt).
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    cluster =
        SharedLocalCluster.inProcess()
            .withNimbusDaemon()
            .withDaemonConf(Config.STORM_ZOOKEEPER_SERVERS, List.of(zooKeeper.host()))
            .withDaemonConf(Config.STORM_ZOOKEEPER_PORT, zooKeeper.port())
            .withDaemonConf(Config.NIMBUS_THRIFT_PORT, port)
            .withDaemonConf(Config.NIMBUS_SEEDS, List.of(zooKeeper.host()))
            .withDaemonConf(
                Config.NIMBUS_THRIFT_TRANSPORT_PLUGIN, LoopbackTransportPlugin.class.getName())
            .withDaemonConf(Config.STORM_LOCAL_HOSTNAME, zooKeeper.host())
            .build();
    nimbus = NimbusAddress.parse(zooKeeper.host() + ":" + cluster.getThriftServerPort());
  }

  @AfterAll
  static void stopNimbus() throws Exception {
    SharedLocalCluster.shutDown(cluster);
    zooKeeper.close();
  }

  @Test
  void aBoundedPipelineSubmittedToNimbusEndsDoneWithWhatTheOracleComputesAndLeavesNoTopology()
      throws Exception {
    Path out = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "sums");
    List<TimestampedValue<KV<String, Long>>> events = new ArrayList<>();
    for (long i = 0; i < 60; i++) {
      events.add(TimestampedValue.of(KV.of("k" + i % 3, i), new Instant(i * 10_000)));
    }
    Pipeline pipeline = onNimbus("sums-on-nimbus");
    pipeline
        .apply("Events", Create.timestamped(events))
        .apply("PerMinute", Window.into(FixedWindows.of(org.joda.time.Duration.standardMinutes(1))))
        .apply("SumPerKey", Sum.longsPerKey())
        .apply("WriteEachSum", ParDo.of(new WriteSumTo(out.toString())));

    PipelineResult result = pipeline.run();
    assertThat(result).isInstanceOf(NimbusResult.class);
    assertThat(jarsNimbusHolds("sums-on-nimbus"))
        .as("the topology jar uploaded to Nimbus's blob store")
        .isOne();
    assertThat(result.waitUntilFinish(JOB_TIMEOUT)).isEqualTo(PipelineResult.State.DONE);

    Map<String, Long> oracle = new TreeMap<>();
    events.forEach(
        e ->
            oracle.merge(
                e.getValue().getKey() + "@" + e.getTimestamp().getMillis() / MINUTE * MINUTE,
                e.getValue().getValue(),
                Long::sum));
    assertThat(written(out)).as("sums per key and minute, all written when DONE").isEqualTo(oracle);
    assertThat(RunnerUnderTest.counter(result, WriteSumTo.class, "written"))
        .as("the Beam counter of the sums written, from the workers through Nimbus's blob store")
        .isEqualTo(oracle.size());
    assertNimbusHasNoTopologyLeft();
    assertThat(Await.until(TIMEOUT, () -> metricsBlobsLeft() == 0))
        .as("metrics blobs left in Nimbus's blob store once the job has ended")
        .isTrue();
  }

  private static long metricsBlobsLeft() {
    try (NimbusClient client = nimbus.connect()) {
      return client.getClient().listBlobs("").get_keys().stream()
          .filter(key -> key.contains("-beam-metrics-"))
          .count();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void cancelKillsAJobWhoseInputNeverEnds() throws Exception {
    Pipeline pipeline = onNimbus("endless-on-nimbus");
    pipeline.apply(
        "OnePerSecond",
        GenerateSequence.from(0).withRate(1, org.joda.time.Duration.standardSeconds(1)));

    PipelineResult result = pipeline.run();
    try {
      assertThat(result.getState()).isEqualTo(PipelineResult.State.RUNNING);
    } finally {
      assertThat(result.cancel()).isEqualTo(PipelineResult.State.CANCELLED);
    }
    assertNimbusHasNoTopologyLeft();
  }

  @Test
  void aDoFnThatThrowsFailsTheJobNamingItsComponentAndTheError() throws Exception {
    Pipeline pipeline = onNimbus("failing-on-nimbus");
    pipeline.apply("Numbers", Create.of(1, 2, 3)).apply("RefuseTwo", ParDo.of(new RefuseTwo()));

    PipelineResult result = pipeline.run();
    assertThatThrownBy(() -> result.waitUntilFinish(JOB_TIMEOUT))
        .isInstanceOf(Pipeline.PipelineExecutionException.class)
        .hasMessageContaining("Component RefuseTwo")
        .hasMessageContaining("two is refused");
    assertThat(result.getState()).isEqualTo(PipelineResult.State.FAILED);
    assertNimbusHasNoTopologyLeft();
  }

  @Test
  void nimbusAndItsZooKeeperListenOnTheLoopbackAddressOnly() throws Exception {
    assertThat(ListeningSockets.onLoopback(cluster.getThriftServerPort())).isTrue();
    assertThat(ListeningSockets.onLoopback(zooKeeper.port())).isTrue();
    assertThat(ListeningSockets.ofThisProcessOnEveryInterface())
        .as("ports this JVM listens on for every interface")
        .isEmpty();
  }

  @Test
  void theTopologyJarHoldsThePipelineBeamAndTheRunnerButNotStormOrLogging() throws IOException {
    try (JarFile jar = new JarFile(topologyJar())) {
      List<String> names = jar.stream().map(e -> e.getName()).toList();
      assertThat(names)
          .contains(
              "io/clickstream/storm/StormRunner.class",
              "io/clickstream/pipeline/ClickstreamPipeline.class",
              "org/apache/beam/runners/core/ReduceFnRunner.class",
              "META-INF/services/org.apache.beam.sdk.runners.PipelineRunnerRegistrar")
          .noneMatch(name -> name.startsWith("org/apache/storm/"))
          .noneMatch(name -> name.startsWith("org/apache/logging/"))
          .noneMatch(name -> name.startsWith("org/slf4j/"))
          .noneMatch(name -> name.startsWith("com/esotericsoftware/kryo/"));
      String runners =
          new String(
              jar.getInputStream(
                      jar.getEntry(
                          "META-INF/services/org.apache.beam.sdk.runners.PipelineRunnerRegistrar"))
                  .readAllBytes());
      assertThat(runners).contains(StormRunnerRegistrar.class.getName());
    }
  }

  private static Pipeline onNimbus(String jobName) {
    return Pipeline.create(
        PipelineOptionsFactory.fromArgs(
                "--runner=StormRunner",
                "--localCluster=false",
                "--stormNimbus=" + nimbus,
                "--stormJar=" + topologyJar(),
                "--jobName=" + jobName)
            .create());
  }

  private static final class RefuseTwo extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(@Element Integer number, OutputReceiver<Integer> out) {
      if (number == 2) {
        throw new IllegalArgumentException("two is refused");
      }
      out.output(number);
    }
  }

  /** Writes each sum to a file named by its key and window: a replay rewrites the same file. */
  private static final class WriteSumTo extends DoFn<KV<String, Long>, Void> {
    private final Counter written = Metrics.counter(WriteSumTo.class, "written");
    private final String dir;

    WriteSumTo(String dir) {
      this.dir = dir;
    }

    @ProcessElement
    public void write(@Element KV<String, Long> sum, BoundedWindow window) throws IOException {
      long start = ((IntervalWindow) window).start().getMillis();
      Path file = Path.of(dir, sum.getKey() + "@" + start);
      Path part = Files.writeString(Path.of(file + ".part"), Long.toString(sum.getValue()));
      Files.move(part, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      written.inc();
    }
  }

  private static Map<String, Long> written(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      Map<String, Long> sums = new TreeMap<>();
      files
          .filter(f -> !f.getFileName().toString().endsWith(".part"))
          .forEach(f -> sums.put(f.getFileName().toString(), Long.parseLong(read(f))));
      return sums;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static File topologyJar() {
    File jar = new File(System.getProperty("clickstream.storm.topologyJar"));
    assertThat(jar).as("the jar the package phase built").isFile();
    return jar;
  }

  /** Nimbus keeps a topology's jar under the topology's id, which starts with the job's name. */
  private static long jarsNimbusHolds(String jobName) throws Exception {
    try (NimbusClient client = nimbus.connect()) {
      return client.getClient().listBlobs("").get_keys().stream()
          .filter(key -> key.startsWith(jobName + "-") && key.endsWith("-stormjar.jar"))
          .count();
    }
  }

  /** Whatever way a job ended, its topology is killed. */
  private static void assertNimbusHasNoTopologyLeft() throws InterruptedException {
    assertThat(Await.until(TIMEOUT, () -> topologies().isEmpty()))
        .as("Nimbus has no topology left")
        .isTrue();
  }

  private static List<TopologySummary> topologies() {
    try (NimbusClient client = nimbus.connect()) {
      return client.getClient().getClusterInfo().get_topologies();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
