package io.clickstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.RedisKeys;
import io.clickstream.core.generator.GeneratedEvent;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.flink.testing.ChildJvm;
import io.clickstream.flink.testing.Dataset;
import io.clickstream.flink.testing.SavepointFixture;
import io.clickstream.pipeline.io.EventRow;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.RedisCounts;
import io.clickstream.pipeline.testing.SharedMiniHBase;
import io.clickstream.pipeline.testing.SharedRedis;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A savepoint committed as a fixture ({@link SavepointFixture}, made by an earlier build with
 * {@link SavepointFixtureRegenerationTest}) is restored by this build's job: the readers'
 * positions, the users' open sessions (events encoded by that build's EventCoder) and user-scope
 * episodes in it are read, and Redis, fresh, ends up equal to the oracle over the fixture's rows
 * plus rows written now. The job is told to read only from now on ({@code --readFromMillis}), so
 * the fixture's rows, which its readers had passed, can only be counted from the savepoint's state.
 */
class SavepointFromAnEarlierBuildMatchesOracleTest {

  /**
   * The fixture every later build must keep restoring (docs/runners.md, "Savepoint compatibility").
   */
  static final String FIXTURE = "main-8ec4ad6";

  @Test
  void aSavepointTakenByAnEarlierBuildIsRestoredAndEqualsTheOracle() throws Exception {
    long t0 = System.nanoTime();
    SavepointFixture fixture = SavepointFixture.named(FIXTURE);
    List<GeneratedEvent> before = fixture.rows();
    // Sessions that had fired on time before the savepoint fire again (their final firing, with
    // all their events) only once the watermark passes their end plus the allowed lateness: a
    // fixture younger than that would leave them silent in a fresh Redis for a while.
    Instant takenAt = Instant.parse(fixture.properties().getProperty("takenAt"));
    assertThat(Duration.between(takenAt, Instant.now()))
        .as(
            "the fixture's age (taken at %s): a fixture is usable %s after it is made",
            takenAt, Dataset.LATENESS.plusMinutes(1))
        .isGreaterThan(Dataset.LATENESS.plusMinutes(1));
    Instant now = Instant.now();
    List<GeneratedEvent> after =
        new JourneyGenerator(7_000_001L)
            .batchEvents(40, now.minusSeconds(25), Duration.ofSeconds(20));
    List<GeneratedEvent> all = Stream.concat(before.stream(), after.stream()).toList();
    Dataset data = new Dataset(all);
    // The rows the savepoint's readers had read, at the same write times: they resume from there.
    EventsTable.writeAtTheirWriteTimes(before);
    long readFrom = System.currentTimeMillis();
    EventsTable.write(after.stream().map(GeneratedEvent::json).toList());

    List<String> args = data.restartArgs();
    args.addAll(
        List.of(
            // A fresh start would read only what is written from now on.
            "--readFromMillis=" + readFrom,
            "--flinkMaster=[local]",
            "--parallelism=" + fixture.parallelism(),
            "--savepointPath=" + fixture.savepoint().toUri(),
            // Counts of minutes older than the retention expire at once: the fixture's get older.
            "--retention=P36500D"));
    // The savepoint's readers were serialized with the HBase and Redis addresses of the run that
    // took it; they must follow this job's options instead (ReadEventsFromHBase.following).
    assertThat(fixture.properties().getProperty("hbaseZk"))
        .as("the HBase of the run that took the savepoint")
        .isNotEqualTo(SharedMiniHBase.zkQuorum());
    assertThat(fixture.properties().getProperty("redisUrl"))
        .as("the Redis of the run that took the savepoint")
        .isNotEqualTo(SharedRedis.url());
    try (ChildJvm job =
        ChildJvm.start(
            "flink-job-from-savepoint",
            ChildJvm.testClasspath(),
            FlinkJobMain.class.getName(),
            args)) {
      try {
        data.awaitWatermarkAndAssertRedisEqualsOracle(Duration.ofSeconds(90), readFrom);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nthe job's log ends:\n" + job.logTail(), e);
      }
      assertThat(Files.readString(job.log))
          .as("the job's log")
          .contains("Restoring job")
          .contains("from Savepoint")
          .contains(fixture.savepoint().toString());
    }
    // The fixture's own rows counted: only the savepoint's state could have them.
    List<EventRow> beforeRows =
        EventsTable.scan().stream().filter(r -> r.writeTimeMillis() < readFrom).toList();
    assertThat(beforeRows).as("the fixture's rows in HBase").hasSize(before.size());
    Map<String, Long> fromTheSavepoint =
        new TreeMap<>(Dataset.oracle().compute(beforeRows, data.funnels).counts());
    // The per-minute counts and funnel results (the catalog's totals are over both parts).
    fromTheSavepoint.keySet().removeIf(k -> k.startsWith(RedisKeys.CATALOG_TOTAL + "\n"));
    assertThat(fromTheSavepoint)
        .as("the oracle's counts of the fixture's rows")
        .hasSizeGreaterThan(50);
    assertThat(RedisCounts.all(data.redis)).containsAllEntriesOf(fromTheSavepoint);
    System.out.printf(
        "restore from the %s savepoint took %d s%n",
        FIXTURE, (System.nanoTime() - t0) / 1_000_000_000);
  }
}
