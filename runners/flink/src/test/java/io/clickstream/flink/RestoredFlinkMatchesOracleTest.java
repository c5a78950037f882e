package io.clickstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.flink.testing.ChildJvm;
import io.clickstream.flink.testing.Dataset;
import io.clickstream.pipeline.testing.Await;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.RedisCounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The pipeline on embedded Flink in its own JVM ({@link FlinkJobMain}), checkpointing to the file
 * system with retained (externalized) checkpoints, is killed with SIGKILL a moment after it has
 * read and counted rows written after its last checkpoint; more rows are written while it is down,
 * and the job is started again from that checkpoint ({@code --savepointPath=.../chk-N}).
 * Exactly-once state plus idempotent absolute writes: Redis must equal the oracle, no event lost,
 * none counted twice.
 */
class RestoredFlinkMatchesOracleTest {

  @Test
  void aKilledFlinkPipelineRestartedFromItsLastCheckpointEqualsTheOracle() throws Exception {
    Dataset data = new Dataset(11, 300);
    Path checkpoints =
        Files.createDirectories(
                Path.of("target", "flink-checkpoints", "run-" + System.currentTimeMillis()))
            .toAbsolutePath();
    List<String> args = new ArrayList<>(data.pipelineArgs());
    args.addAll(
        List.of(
            "--flinkMaster=[local]",
            "--parallelism=2",
            // Long enough that the kill below lands between two checkpoints, after work the restore
            // must redo.
            "--checkpointingInterval=" + CHECKPOINT_INTERVAL.toMillis(),
            "--stateBackend=filesystem",
            "--stateBackendStoragePath=" + checkpoints.toUri(),
            "--externalizedCheckpointsEnabled=true",
            "--retainExternalizedCheckpointsOnCancellation=true"));

    EventsTable.write(data.part(0, 3));
    long t0 = System.nanoTime();
    int checkpointBeforeKill;
    try (ChildJvm first =
        ChildJvm.start(
            "flink-job-first", ChildJvm.testClasspath(), FlinkJobMain.class.getName(), args)) {
      boolean counting =
          Await.until(Duration.ofSeconds(120), () -> !RedisCounts.all(data.redis).isEmpty());
      assertThat(counting)
          .as("the first job writes counts within 120 s; its log ends:%n%s", first.logTail())
          .isTrue();
      // Wait for a checkpoint to complete from here on: it holds open sessions and read positions.
      int before = latestCheckpointNumber(checkpoints);
      boolean checkpointed =
          Await.until(Duration.ofSeconds(60), () -> latestCheckpointNumber(checkpoints) > before);
      assertThat(checkpointed)
          .as(
              "the first job completes a checkpoint in %s within 60 s; its log ends:%n%s",
              checkpoints, first.logTail())
          .isTrue();
      checkpointBeforeKill = latestCheckpointNumber(checkpoints);
      // More rows right after that checkpoint: read, sessionized and written to Redis by the first
      // job, so
      // the restored job re-reads them and re-applies those firings (the replay that must not
      // double count).
      int countsAtCheckpoint = RedisCounts.all(data.redis).size();
      EventsTable.write(data.part(1, 3));
      Await.until(
          Duration.ofSeconds(3), () -> RedisCounts.all(data.redis).size() > countsAtCheckpoint);
      System.out.printf(
          "first job: chk-%d completed after %d ms; %d counts then, %d at the kill (SIGKILL)%n",
          checkpointBeforeKill,
          (System.nanoTime() - t0) / 1_000_000,
          countsAtCheckpoint,
          RedisCounts.all(data.redis).size());
      first.kill();
    }
    Path restoreFrom = latestCheckpoint(checkpoints).orElseThrow();
    assertThat(checkpointNumber(restoreFrom))
        .as("no checkpoint completed between the second write and the kill")
        .isEqualTo(checkpointBeforeKill);
    System.out.printf("killed; restoring from %s%n", restoreFrom);

    // The restarted job is told to read only what is written from now on: every earlier row it
    // counts
    // can only come from the checkpoint (the readers' positions, the open sessions and user state).
    long restartReadFrom = System.currentTimeMillis();
    EventsTable.write(data.part(2, 3));
    List<String> restartArgs =
        new ArrayList<>(args.stream().filter(a -> !a.startsWith("--readFromMillis=")).toList());
    restartArgs.add("--readFromMillis=" + restartReadFrom);
    restartArgs.add("--savepointPath=" + restoreFrom.toUri());
    try (ChildJvm second =
        ChildJvm.start(
            "flink-job-restored",
            ChildJvm.testClasspath(),
            FlinkJobMain.class.getName(),
            restartArgs)) {
      try {
        data.awaitWatermarkAndAssertRedisEqualsOracle(Duration.ofSeconds(180));
      } catch (AssertionError e) {
        throw new AssertionError(
            e.getMessage() + "\nrestored job's log ends:\n" + second.logTail(), e);
      }
      assertThat(Files.readString(second.log))
          .as("the restored job's log")
          .contains("Restoring job")
          .contains(restoreFrom.getFileName().toString());
    }
    System.out.printf(
        "kill-and-restore test took %d s%n", (System.nanoTime() - t0) / 1_000_000_000);
  }

  private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(5);

  private static int latestCheckpointNumber(Path storage) {
    return latestCheckpoint(storage)
        .map(RestoredFlinkMatchesOracleTest::checkpointNumber)
        .orElse(0);
  }

  /**
   * The completed checkpoint with the highest number: {@code <storage>/<job id>/chk-N} holding
   * {@code _metadata}.
   */
  private static Optional<Path> latestCheckpoint(Path storage) {
    try (Stream<Path> files = Files.walk(storage, 3)) {
      return files
          .filter(p -> p.getFileName().toString().equals("_metadata"))
          .map(Path::getParent)
          .filter(p -> p.getFileName().toString().startsWith("chk-"))
          .max(Comparator.comparingInt(RestoredFlinkMatchesOracleTest::checkpointNumber));
    } catch (IOException | UncheckedIOException e) {
      return Optional.empty(); // Flink removed an older checkpoint while we looked: look again
    }
  }

  private static int checkpointNumber(Path chk) {
    return Integer.parseInt(chk.getFileName().toString().substring("chk-".length()));
  }
}
