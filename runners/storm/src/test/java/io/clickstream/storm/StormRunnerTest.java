package io.clickstream.storm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** How StormRunner is found, and how it reports what it cannot do and what went wrong. */
class StormRunnerTest {

  @Test
  void theRunnerAndItsOptionsAreFoundByName() {
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs("--runner=StormRunner", "--parallelism=3").create();
    assertThat(options.getRunner()).isEqualTo(StormRunner.class);
    assertThat(options.as(StormPipelineOptions.class).getParallelism()).isEqualTo(3);
    assertThat(options.as(StormPipelineOptions.class).getLocalCluster()).isTrue();
  }

  @Test
  void aTransformItCannotRunFailsTheJobAtTranslationNamingIt() {
    Pipeline pipeline = RunnerUnderTest.STORM.newPipeline();
    PCollection<String> letters = pipeline.apply("Letters", Create.of("a", "b"));
    PCollectionList.of(letters).and(letters).apply("Twice", Flatten.pCollections());
    assertThatThrownBy(pipeline::run)
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("Twice");
  }

  /** Storm's own guarantee: the Direct runner finalizes checkpoint marks at a pace of its own. */
  @Test
  void everyRecordOfAnUnboundedReadEndsCoveredByAFinalizedCheckpointMark() {
    ClickSource clicks =
        new ClickSource(
            UUID.randomUUID().toString(),
            List.of(
                new ClickSource.Click("u1", new Instant(0)),
                new ClickSource.Click("u2", new Instant(1)),
                new ClickSource.Click("u3", new Instant(2))));
    Pipeline pipeline = RunnerUnderTest.STORM.newPipeline();
    PAssert.that(pipeline.apply("Clicks", Read.from(clicks))).containsInAnyOrder("u1", "u2", "u3");
    RunnerUnderTest.STORM.runAndCheckAsserts(pipeline);
    Map<String, Integer> everything = new HashMap<>();
    for (ClickSource split : clicks.split(StormPipelineOptions.DEFAULT_PARALLELISM, null)) {
      everything.put(split.id(), split.size());
    }
    assertThat(ClickSource.FINALIZED).containsAllEntriesOf(everything);
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void aFailingAssertionFailsTheJob(RunnerUnderTest runner) {
    Pipeline pipeline = runner.newPipeline();
    PAssert.that(pipeline.apply("Letters", Create.of("a", "b"))).containsInAnyOrder("a", "c");
    assertThatThrownBy(() -> runner.runAndCheckAsserts(pipeline))
        .isInstanceOf(Pipeline.PipelineExecutionException.class)
        .hasRootCauseInstanceOf(AssertionError.class);
  }

  /**
   * Storm halts its supervisor's JVM, this one, when a topology is killed while a slot is still
   * downloading it, so a cancel waits for the topology's worker ({@link TopologyKill}). A second
   * after the submission the slot is most likely downloading.
   */
  @Test
  void aJobCancelledWhileItsWorkerStartsIsKilledAndTheClusterRunsTheNextJob() throws Exception {
    Pipeline endless = RunnerUnderTest.STORM.newPipeline();
    endless.apply(
        "OnePerSecond",
        GenerateSequence.from(0).withRate(1, org.joda.time.Duration.standardSeconds(1)));
    PipelineResult result = endless.run();
    Thread.sleep(1_000);
    assertThat(result.cancel()).isEqualTo(PipelineResult.State.CANCELLED);

    Pipeline next = RunnerUnderTest.STORM.newPipeline();
    PAssert.that(next.apply("Letters", Create.of("a", "b"))).containsInAnyOrder("a", "b");
    RunnerUnderTest.STORM.runAndCheckAsserts(next);
  }

  @Test
  void onAClusterWithoutItsNimbusTheRunnerSaysWhichOptionToGive() {
    assertThatThrownBy(() -> onACluster().run())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--stormNimbus=host:port");
  }

  @Test
  void onAClusterWithoutTheTopologyJarTheRunnerSaysWhichJarAndHowToBuildIt() {
    assertThatThrownBy(() -> onACluster("--stormNimbus=127.0.0.1:6627").run())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clickstream-storm-<version>-topology.jar")
        .hasMessageContaining("mvn -B package -pl runners/storm")
        .hasMessageContaining("--stormJar=");
    assertThatThrownBy(
            () ->
                onACluster("--stormNimbus=127.0.0.1:6627", "--stormJar=/nonexistent/topology.jar")
                    .run())
        .hasMessageContaining("The topology jar /nonexistent/topology.jar does not exist");
  }

  @Test
  void anUnreachableNimbusIsNamedByItsHostAndPort(@TempDir Path dir) throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    Path jar = Files.createFile(dir.resolve("topology.jar"));
    // Storm's client settings apply, as `storm jar … -c` passes them: no retries (five by default).
    System.setProperty("storm.options", "storm.nimbus.retry.times=0");
    try {
      assertThatThrownBy(
              () -> onACluster("--stormNimbus=127.0.0.1:" + closed, "--stormJar=" + jar).run())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Could not reach Nimbus at 127.0.0.1:" + closed);
    } finally {
      System.clearProperty("storm.options");
    }
  }

  private static Pipeline onACluster(String... args) {
    List<String> all = new ArrayList<>(List.of("--runner=StormRunner", "--localCluster=false"));
    all.addAll(List.of(args));
    Pipeline pipeline =
        Pipeline.create(PipelineOptionsFactory.fromArgs(all.toArray(String[]::new)).create());
    pipeline.apply("Letters", Create.of("a", "b"));
    return pipeline;
  }
}
