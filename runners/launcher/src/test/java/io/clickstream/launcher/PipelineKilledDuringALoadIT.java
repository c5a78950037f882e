package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.RedisKeys;
import io.clickstream.flink.testing.ChildJvm;
import io.clickstream.flink.testing.Dataset;
import io.clickstream.pipeline.testing.Await;
import io.clickstream.pipeline.testing.SharedMiniHBase;
import io.clickstream.pipeline.testing.SharedRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Issue 9's "kill -9 × 5": while a load is being written into HBase, the pipeline that {@code
 * analytics run --data-dir DIR} starts in a JVM of its own is killed with SIGKILL five times, at a
 * random moment in each of the first five sixths of the load (not before the run has counted events
 * of its own), and started again each time with the same command line. The Direct runner resumes
 * from the read position it records in Redis, reading the last hour again; embedded Flink,
 * checkpointing every 2 s into {@code DIR/checkpoints}, from the newest checkpoint there, which
 * {@code --data-dir} finds by itself. Once the load is over, Redis must equal the oracle: no event
 * lost, none counted twice.
 *
 * <p>{@code -Dfaults.events=N} lines (default 13,500) written over {@code -Dfaults.loadSeconds=S}
 * (default 90: each run needs about 10 s to start counting, so five runs fit with room to spare);
 * {@code -Dfaults.seed} repeats the journeys and the kills' moments (default: a new seed, printed).
 * docs/faults.md has the command for the full 200,000.
 */
class PipelineKilledDuringALoadIT {

  private static final int KILLS = 5;
  private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);

  private final long seed = Long.getLong("faults.seed", System.nanoTime());
  private final int lines = Integer.getInteger("faults.events", 13_500);
  private final Duration loadTime =
      Duration.ofSeconds(Integer.getInteger("faults.loadSeconds", 90));

  @Test
  void aDirectPipelineKilledFiveTimesDuringALoadEqualsTheOracle() throws Exception {
    killFiveTimesDuringALoad("DirectRunner");
  }

  @Test
  void aFlinkPipelineWithCheckpointsKilledFiveTimesDuringALoadEqualsTheOracle() throws Exception {
    killFiveTimesDuringALoad("FlinkRunner");
  }

  private void killFiveTimesDuringALoad(String runner) throws Exception {
    boolean flink = runner.equals("FlinkRunner");
    System.out.printf(
        "%s: %,d lines over %s, seed %d (-Dfaults.seed=%d repeats this run)%n",
        runner, lines, loadTime, seed, seed);
    Random random = new Random(seed);
    Path target =
        Path.of("target", "faults", runner + "-" + System.currentTimeMillis()).toAbsolutePath();
    Path checkpoints = DataDir.checkpoints(target.resolve("data"));
    // Every event time within the last hour once the load ends, so that the Direct runner's replay
    // (--replayOnRestart, PT1H) covers every session open at a kill.
    Instant from = Instant.now();
    Dataset data = new Dataset(seed, Dataset.usersFor(seed, lines, loadTime), from, loadTime);
    List<String> command =
        new ArrayList<>(
            List.of(
                "run",
                "--data-dir",
                target.resolve("data").toString(),
                "--hbase-zk",
                SharedMiniHBase.zkQuorum(),
                "--redis",
                SharedRedis.url(),
                "--runner=" + runner));
    command.addAll(Dataset.sessionArgs());
    if (flink) {
      command.add("--checkpointingInterval=" + CHECKPOINT_INTERVAL.toMillis());
    }
    // A discovery folder of its own: `run` refuses to start beside another `run` of the same home.
    List<String> jvm = List.of("-Dclickstream.home=" + target.resolve("home"));
    IntFunction<ChildJvm> start =
        run ->
            ChildJvm.start(
                runner + "-run-" + run,
                ChildJvm.testClasspath(),
                jvm,
                Analytics.class.getName(),
                command);
    System.out.printf("each run: analytics %s%n", String.join(" ", command));

    // One kill at a random moment in each sixth of the load but the last, which the run after them
    // has.
    long share = loadTime.toMillis() / (KILLS + 1);
    long t0 = System.nanoTime();
    LiveLoad load = LiveLoad.start(data.events);
    long countedAtKill = 0;
    for (int run = 1; run <= KILLS; run++) {
      long countedBefore = countedAtKill;
      Optional<Path> checkpointBefore = DataDir.latestCheckpoint(checkpoints);
      try (ChildJvm pipeline = start.apply(run)) {
        long started = System.nanoTime();
        long killAt = (run - 1) * share + (long) (random.nextDouble() * share);
        // Not before it is at work: it has counted events of its own and, on Flink, completed a
        // checkpoint,
        // so that the next run has something to carry on from and open sessions to finish.
        boolean working =
            Await.until(
                Duration.ofSeconds(120),
                () ->
                    counted(data) > countedBefore
                        && (!flink
                            || !DataDir.latestCheckpoint(checkpoints).equals(checkpointBefore)));
        assertThat(working)
            .as(
                "run %d counts events%s within 120 s; its log ends:%n%s",
                run, flink ? " and completes a checkpoint" : "", pipeline.logTail())
            .isTrue();
        Thread.sleep(Math.max(0, killAt - millisSince(t0)));
        assertThat(load.finished())
            .as("the load is still being written at kill %d: raise -Dfaults.loadSeconds", run)
            .isFalse();
        pipeline.kill();
        countedAtKill = counted(data);
        System.out.printf(
            "run %d: SIGKILL %.1f s into the load (drawn: %.1f s), after %.1f s of work; events counted"
                + " %,d before it, %,d at the kill; %,d of %,d lines written%n",
            run,
            millisSince(t0) / 1e3,
            killAt / 1e3,
            millisSince(started) / 1e3,
            countedBefore,
            countedAtKill,
            load.written(),
            data.lines.size());
        assertResumedFromACheckpoint(flink, run, pipeline);
      }
    }

    try (ChildJvm last = start.apply(KILLS + 1)) {
      try {
        load.awaitEnd(loadTime.plusMinutes(1));
        System.out.printf("load written after %.1f s%n", millisSince(t0) / 1e3);
        data.awaitWatermarkAndAssertRedisEqualsOracle(Duration.ofSeconds(180));
      } catch (AssertionError e) {
        throw new AssertionError(
            e.getMessage() + "\nthe last run's log ends:\n" + last.logTail(), e);
      }
      assertThat(counted(data))
          .as("events counted by the run after the last kill")
          .isGreaterThan(countedAtKill);
      assertResumedFromACheckpoint(flink, KILLS + 1, last);
    }
    System.out.printf(
        "%s: killed %d times, Redis equals the oracle; %.0f s in all%n",
        runner, KILLS, millisSince(t0) / 1e3);
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  /**
   * On Flink, every run after the first starts from the newest checkpoint, which --data-dir finds.
   */
  private static void assertResumedFromACheckpoint(boolean flink, int run, ChildJvm pipeline)
      throws Exception {
    if (flink && run > 1) {
      assertThat(Files.readString(pipeline.log))
          .as("run %d's log", run)
          .contains("; resuming from the newest, ");
    }
  }

  /** Events counted so far: the sum of the catalog's totals. */
  private static long counted(Dataset data) {
    return data.redis.hvals(RedisKeys.CATALOG_TOTAL).stream().mapToLong(Long::parseLong).sum();
  }
}
