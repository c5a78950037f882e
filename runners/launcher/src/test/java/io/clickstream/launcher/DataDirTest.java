package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clickstream.core.EmbeddedHBase;
import io.clickstream.core.EventParser;
import io.clickstream.core.EventTable;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.testing.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

/**
 * {@code --data-dir}: what a demo or a run keeps there, and how the next start with the same folder
 * carries on from it. The demo runs on this JVM's one HBase mini cluster ({@link MiniHBase}), whose
 * tables live in a kept root directory as under {@code demo --data-dir}, restarted here in between.
 */
class DataDirTest {

  private static final String TOKEN = "kept-token";

  private static final java.util.Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  @TempDir Path dir;

  @BeforeEach
  void isolateTheDiscoveryFile() {
    System.setProperty("clickstream.home", dir.resolve("home").toString());
  }

  @AfterEach
  void restoreTheDiscoveryFile() {
    System.clearProperty("clickstream.home");
  }

  @Test
  void aDemoStartedAgainWithTheSameDataDirStillHasItsEventsAggregatesAndFunnels() throws Exception {
    MiniHBase.get().util().deleteTableIfAny(EventTable.NAME);
    Path data = dir.resolve("data");
    Map<String, Long> totals = Map.of("buy", 3L, "land", 5L, "look", 3L);
    DemoApi api = new DemoApi(LocalServers.freePort(), TOKEN);

    Background first = startDemo(data, api);
    Run firstRun;
    List<String> journeys;
    String results;
    String redisUrl = Discovery.runningDemo().redisUrl();
    try {
      api.put("/api/funnels/kept", "{" + DemoApi.FUNNEL_STEPS + "}");
      Instant start =
          Instant.now().plusSeconds(1); // a funnel counts the events after its definition
      journeys = DemoApi.journeys("kept", 5, 3, start);
      results = "/api/funnels/kept/results?" + DemoApi.range(start).substring(1);
      load(journeys);
      assertThat(
              DemoApi.stepCounts(
                  api.await(results, r -> DemoApi.stepCounts(r).equals(List.of(5L, 3L, 3L)))))
          .containsExactly(5L, 3L, 3L);
      assertThat(api.eventTotals()).isEqualTo(totals);
    } finally {
      firstRun = first.interrupt();
    }
    assertThat(firstRun.exitCode()).as(firstRun.toString()).isZero();
    assertThat(firstRun.out()).contains("Data:       kept in " + data);
    // Redis 7's append-only file comes in parts, listed by a manifest.
    assertThat(data.resolve("redis/appendonlydir/appendonly.aof.manifest")).isNotEmptyFile();
    Path password = data.resolve(DataDir.REDIS_PASSWORD);
    assertThat(Files.getPosixFilePermissions(password)).isEqualTo(OWNER_ONLY);
    assertThat(Files.getPosixFilePermissions(data))
        .as("the data directory the demo made, whose checkpoints hold the password too")
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(redisUrl).startsWith("redis://:" + Files.readString(password).strip() + "@");

    EmbeddedHBase hbase = MiniHBase.restart();
    assertThat(rowCount(hbase))
        .as("rows in the events table after HBase's restart")
        .isEqualTo(journeys.size());

    long restarted = System.currentTimeMillis();
    Background second = startDemo(data, api);
    try {
      assertThat(Discovery.runningDemo().redisUrl())
          .as("Redis on its kept port, with its kept password")
          .isEqualTo(redisUrl);
      assertThat(api.eventTotals())
          .as("the catalog as soon as the demo is up again")
          .isEqualTo(totals);
      assertThat(api.getJson("/api/funnels/kept").toString()).contains("\"event\":\"look\"");
      assertThat(DemoApi.stepCounts(api.getJson(results))).containsExactly(5L, 3L, 3L);

      // The pipeline reads again the last hour before its recorded position, and counts none twice.
      try (JedisPooled redis = new JedisPooled(URI.create(redisUrl))) {
        LocalServers.awaitWatermarkPast(redis, restarted, Duration.ofSeconds(60));
      }
      assertThat(api.eventTotals())
          .as("the catalog once the restarted pipeline has read it all again")
          .isEqualTo(totals);
      load(DemoApi.journeys("later", 1, 0, Instant.now()));
      api.await(results, r -> DemoApi.stepCounts(r).get(0) == 6);
      assertThat(DemoApi.stepCounts(api.getJson(results))).containsExactly(6L, 3L, 3L);
    } finally {
      second.interrupt();
    }
  }

  @Test
  void aFlinkRunStartedAgainWithTheSameDataDirResumesFromItsNewestCheckpointAndCountsNothingTwice()
      throws Exception {
    EmbeddedHBase hbase = MiniHBase.get();
    hbase.util().deleteTableIfAny(EventTable.NAME);
    try (Connection connection =
            ConnectionFactory.createConnection(hbase.util().getConfiguration());
        Admin admin = connection.getAdmin()) {
      EventTable.createIfMissing(admin);
    }
    List<String> events =
        new JourneyGenerator(21)
            .batch(100, Instant.now().minusSeconds(120), Duration.ofMinutes(2)).stream()
                .distinct()
                .toList();
    int third = events.size() / 3;
    List<List<String>> thirds =
        List.of(
            events.subList(0, third),
            events.subList(third, 2 * third),
            events.subList(2 * third, events.size()));
    Path data = dir.resolve("data");
    Path checkpoints = data.resolve("checkpoints");

    try (LocalServers.LocalRedis redis = LocalServers.LocalRedis.start()) {
      // Checkpoints every 10 s by default: long enough that none completes between the one awaited
      // below
      // and the stop.
      String[] args = {
        "run",
        "--hbase-zk",
        hbase.zk(),
        "--redis",
        redis.url(),
        "--runner=FlinkRunner",
        "--data-dir",
        data.toString()
      };
      load(thirds.get(0), "--hbase-zk", hbase.zk());
      Background first = Background.start(args);
      Path resumeFrom;
      try {
        awaitTotals(redis, totalsByName(thirds.get(0)));
        resumeFrom = awaitCheckpoint(checkpoints);
        // Counted after that checkpoint: the resumed job reads them again and must not count them
        // twice.
        load(thirds.get(1), "--hbase-zk", hbase.zk());
        awaitTotals(redis, totalsByName(events.subList(0, 2 * third)));
      } finally {
        assertThat(Run.of("stop").exitCode()).isZero();
      }
      Run firstRun = first.end();
      assertThat(firstRun.err())
          .as(firstRun.toString())
          .contains("Flink checkpoints every 10 s go to " + checkpoints + "; none there yet");
      assertThat(DataDir.latestCheckpoint(checkpoints))
          .as("no checkpoint between the second load and the stop")
          .contains(resumeFrom);

      load(thirds.get(2), "--hbase-zk", hbase.zk());
      long restarted = System.currentTimeMillis();
      Background second = Background.start(args);
      try {
        LocalServers.awaitWatermarkPast(redis.client(), restarted, Duration.ofSeconds(120));
        awaitTotals(redis, totalsByName(events));
      } finally {
        assertThat(Run.of("stop").exitCode()).isZero();
      }
      Run secondRun = second.end();
      assertThat(secondRun.err())
          .as(secondRun.toString())
          .contains("; resuming from the newest, " + resumeFrom + " (");
      assertThat(totals(redis)).as("every event counted once").isEqualTo(totalsByName(events));
    }
  }

  @Test
  void onEmbeddedFlinkADataDirAsksForRetainedCheckpointsThereEvery10Seconds() {
    ClickstreamOptions options = BeamArgs.parse(FLINK, "run");

    DataDir.keepFlinkState(options, FLINK, dir, new PrintWriter(new StringWriter()));

    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    assertThat(flink.getCheckpointingInterval()).isEqualTo(10_000L);
    assertThat(flink.getStateBackend()).isEqualTo("filesystem");
    assertThat(Path.of(URI.create(flink.getStateBackendStoragePath())))
        .isEqualTo(dir.resolve("checkpoints"));
    assertThat(flink.isExternalizedCheckpointsEnabled()).isTrue();
    assertThat(flink.getRetainExternalizedCheckpointsOnCancellation()).isTrue();
    assertThat(flink.getSavepointPath()).isNull();
  }

  @Test
  void theNewestCheckpointIsTheLastOneCompletedWhateverItsJobAndNumberAndEarlierJobsAreDeleted()
      throws Exception {
    Path checkpoints = dir.resolve("checkpoints");
    Path older =
        completedCheckpoint(
            checkpoints.resolve("job-a/chk-7"), Instant.parse("2024-05-01T10:00:00Z"));
    Path newer =
        completedCheckpoint(
            checkpoints.resolve("job-b/chk-2"), Instant.parse("2024-05-01T11:00:00Z"));
    Files.createDirectories(checkpoints.resolve("job-b/chk-3")); // in progress: no _metadata yet
    ClickstreamOptions options = BeamArgs.parse(FLINK, "run");
    StringWriter said = new StringWriter();

    DataDir.keepFlinkState(options, FLINK, dir, new PrintWriter(said));

    assertThat(DataDir.latestCheckpoint(checkpoints)).contains(newer);
    assertThat(older.getParent()).as("the earlier job's folder").doesNotExist();
    assertThat(checkpoints.resolve("job-b/chk-3")).exists();
    assertThat(options.as(FlinkPipelineOptions.class).getSavepointPath())
        .isEqualTo(newer.toUri().toString());
    assertThat(said.toString())
        .contains("resuming from the newest, " + newer + " (completed 2024-05-01T11:00:00Z)");
  }

  @Test
  void theRedisPasswordIsMadeOnceOwnerOnlyAndTakenAgainAtTheNextStart() throws Exception {
    String first = DataDir.redisPassword(dir);

    assertThat(first).matches("[A-Za-z0-9_-]{32}");
    assertThat(Files.getPosixFilePermissions(dir.resolve(DataDir.REDIS_PASSWORD)))
        .isEqualTo(OWNER_ONLY);
    assertThat(DataDir.redisPassword(dir)).isEqualTo(first);
    assertThat(DemoRedis.newPassword())
        .as("a demo without DIR makes a new one")
        .isNotEqualTo(first);
  }

  @Test
  void aRedisPasswordFileOthersMayReadIsRefusedRatherThanUsed() throws Exception {
    Files.writeString(dir.resolve(DataDir.REDIS_PASSWORD), "seen-by-all\n");
    Files.setPosixFilePermissions(
        dir.resolve(DataDir.REDIS_PASSWORD), PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> DataDir.redisPassword(dir))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("may be read by other users")
        .hasMessageContaining("checkpoints");
  }

  @Test
  void checkpointsTakenAgainstAnotherHBaseOrRedisAreRefusedNamingThem() throws Exception {
    completedCheckpoint(dir.resolve("checkpoints/job-a/chk-1"), Instant.now());
    DataDir.keepFlinkState(
        BeamArgs.parse(FLINK, "run"), FLINK, dir, new PrintWriter(new StringWriter()));
    List<String> elsewhere =
        List.of(
            "--runner=FlinkRunner",
            "--hbaseZk=127.0.0.1:2182",
            "--redisUrl=redis://127.0.0.1:6379");

    assertThatThrownBy(
            () ->
                DataDir.keepFlinkState(
                    BeamArgs.parse(elsewhere, "run"),
                    elsewhere,
                    dir,
                    new PrintWriter(new StringWriter())))
        .isInstanceOf(UserError.class)
        .hasMessageContaining(
            "were taken reading HBase at 127.0.0.1:2181 and writing Redis at redis://127.0.0.1:6379")
        .hasMessageContaining("delete " + dir.resolve("checkpoints"));
  }

  /** A FlinkRunner job's arguments, as run gets them once it knows the servers. */
  private static final List<String> FLINK =
      List.of(
          "--runner=FlinkRunner", "--hbaseZk=127.0.0.1:2181", "--redisUrl=redis://127.0.0.1:6379");

  private Background startDemo(Path data, DemoApi api) throws Exception {
    Background demo =
        Background.start(
            "demo",
            "--hbase-zk",
            MiniHBase.get().zk(),
            "--data-dir",
            data.toString(),
            "--port",
            String.valueOf(api.port()),
            "--api-token",
            TOKEN,
            "--no-generator",
            "--runner=DirectRunner");
    LocalServers.awaitHealth(api.port(), new ArrayList<>());
    return demo;
  }

  /**
   * {@code analytics load} of the lines, into the running demo's HBase unless {@code options} name
   * one.
   */
  private void load(List<String> lines, String... options) throws Exception {
    Path file = Files.write(dir.resolve("events.jsonl"), lines, StandardCharsets.UTF_8);
    List<String> args = new ArrayList<>(List.of("load", file.toString()));
    args.addAll(List.of(options));
    Run load = Run.of(args.toArray(String[]::new));
    assertThat(load.exitCode()).as(load.toString()).isZero();
  }

  private static int rowCount(EmbeddedHBase hbase) throws Exception {
    int rows = 0;
    try (Table table = hbase.util().getConnection().getTable(EventTable.NAME);
        ResultScanner scanner = table.getScanner(new Scan())) {
      for (Result ignored : scanner) {
        rows++;
      }
    }
    return rows;
  }

  private static Map<String, Long> totalsByName(List<String> lines) {
    return lines.stream()
        .map(line -> EventParser.parse(line).event().name())
        .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
  }

  private static Map<String, Long> totals(LocalServers.LocalRedis redis) {
    Map<String, Long> totals = new TreeMap<>();
    redis
        .client()
        .hgetAll(RedisKeys.CATALOG_TOTAL)
        .forEach((name, total) -> totals.put(name, Long.parseLong(total)));
    return totals;
  }

  private static void awaitTotals(LocalServers.LocalRedis redis, Map<String, Long> expected)
      throws Exception {
    Await.until(Duration.ofSeconds(90), () -> totals(redis).equals(expected));
    assertThat(totals(redis)).isEqualTo(expected);
  }

  /** The first checkpoint to complete from now on. */
  private static Path awaitCheckpoint(Path checkpoints) throws Exception {
    Optional<Path> before = DataDir.latestCheckpoint(checkpoints);
    boolean done =
        Await.until(
            Duration.ofSeconds(30),
            () -> {
              Optional<Path> now = DataDir.latestCheckpoint(checkpoints);
              return now.isPresent() && !now.equals(before);
            });
    assertThat(done).as("a checkpoint completes in %s within 30 s", checkpoints).isTrue();
    return DataDir.latestCheckpoint(checkpoints).orElseThrow();
  }

  private static Path completedCheckpoint(Path chk, Instant completed) throws Exception {
    Path metadata = Files.createDirectories(chk).resolve("_metadata");
    Files.writeString(metadata, "");
    Files.setLastModifiedTime(metadata, FileTime.from(completed));
    return chk;
  }
}
