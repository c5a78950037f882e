package io.clickstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.core.generator.GeneratedEvent;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.flink.testing.ChildJvm;
import io.clickstream.flink.testing.Dataset;
import io.clickstream.flink.testing.SavepointFixture;
import io.clickstream.pipeline.testing.Await;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.LivePipelines;
import io.clickstream.pipeline.testing.RedisCounts;
import io.clickstream.pipeline.testing.SharedMiniHBase;
import io.clickstream.pipeline.testing.SharedRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Makes a {@link SavepointFixture}, and only when asked to ({@code -Dsavepoint.regenerate=true}):
 * the job on embedded Flink in a child JVM reads freshly generated rows written with explicit cell
 * timestamps, and once its readers have passed all of them (sessions and user-scope episodes open
 * in its state, some not yet fired on time) a savepoint is taken over Flink's REST API and the job
 * cancelled. The savepoint, the rows and what made them are written to {@code
 * src/test/resources/savepoints/NAME}.
 *
 * <p>{@code -Dsavepoint.name=NAME} names the fixture; {@code -Dsavepoint.module=DIR} runs the job
 * from another build of this module (an older commit checked out in a throw-away worktree and built
 * there with {@code mvn package -DskipTests}), {@code -Dsavepoint.build=TEXT} says which build that
 * is. The command is in docs/runners.md, "Savepoint compatibility".
 */
@EnabledIfSystemProperty(named = "savepoint.regenerate", matches = "true")
class SavepointFixtureRegenerationTest {

  /** The journeys in the fixture: few, so the savepoint and rows.tsv stay small. */
  static final long SEED = 20_261_204L;

  static final int USERS = 120;

  /** The events' times: up to 5 s before the job reads them, so the last sessions are open. */
  static final Duration SPAN = Duration.ofSeconds(90);

  static final int PARALLELISM = 2;

  @Test
  void takesASavepointOfTheJobOverRowsWithKnownWriteTimes() throws Exception {
    String name = System.getProperty("savepoint.name", "current");
    String module = System.getProperty("savepoint.module");
    List<String> classpath =
        module == null ? ChildJvm.testClasspath() : ChildJvm.testClasspathOf(Path.of(module));
    String build = System.getProperty("savepoint.build", module == null ? "this checkout" : module);

    Dataset data = new Dataset(List.of()); // empties HBase and Redis, defines the funnels
    int restPort = SharedRedis.freePort();
    Path conf = Files.createDirectories(Path.of("target", "savepoint-fixture-conf"));
    Files.writeString(
        conf.resolve("flink-conf.yaml"),
        "rest.port: " + restPort + "\nrest.bind-port: " + restPort);
    List<String> args =
        new ArrayList<>(
            List.of(
                "--hbaseZk=" + SharedMiniHBase.zkQuorum(),
                "--redisUrl=" + SharedRedis.url(),
                // Before every row below (written up to SPAN + 5 s back once the job runs), so
                // the job reads them all: the restore test counts every row in rows.tsv.
                "--readFromMillis=" + Instant.now().minus(SPAN).minusSeconds(600).toEpochMilli(),
                "--flinkMaster=[local]",
                "--parallelism=" + PARALLELISM,
                "--flinkConfDir=" + conf.toAbsolutePath()));
    // Not --dimensions: builds before 4dc2773 have no such option, and the state does not depend
    // on it (sessions hold events; counts are computed from them when a session fires).
    args.addAll(
        Dataset.sessionArgs().stream()
            .filter(a -> !a.equals(LivePipelines.DIMENSIONS_ARG))
            .toList());

    try (ChildJvm job =
        ChildJvm.start("flink-job-for-savepoint", classpath, FlinkJobMain.class.getName(), args)) {
      HttpClient http = HttpClient.newHttpClient();
      boolean running =
          Await.until(
              Duration.ofSeconds(120),
              () -> {
                try {
                  return get(http, "http://127.0.0.1:" + restPort + "/jobs/overview")
                      .contains("\"state\":\"RUNNING\"");
                } catch (Exception e) {
                  return false;
                }
              });
      assertThat(running)
          .as("the job runs within 120 s; its log ends:%n%s", job.logTail())
          .isTrue();

      Instant now = Instant.now();
      List<GeneratedEvent> rows =
          new JourneyGenerator(SEED).batchEvents(USERS, now.minus(SPAN).minusSeconds(5), SPAN);
      EventsTable.writeAtTheirWriteTimes(rows);
      long lastWrite = rows.stream().mapToLong(r -> r.writeAt().toEpochMilli()).max().orElseThrow();
      // The watermark is the readers' position less the out-of-orderness: past the last write,
      // every row has been read; the sessions of the last seconds have not yet fired on time.
      boolean read =
          Await.until(Duration.ofSeconds(60), () -> Await.watermark(data.redis) > lastWrite);
      assertThat(read).as("the job reads every row; its log ends:%n%s", job.logTail()).isTrue();
      assertThat(RedisCounts.all(data.redis)).as("counts of early firings").isNotEmpty();

      Path target = Files.createDirectories(Path.of("target", "savepoints")).toAbsolutePath();
      Path savepoint = savepointAndCancel(restPort, target);
      assertThat(job.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
          .as("the job ends once cancelled")
          .isTrue();

      Properties p = new Properties();
      p.setProperty("build", build);
      p.setProperty("takenAt", Instant.now().toString());
      p.setProperty("flink", "1.19 (beam-runners-flink-1.19 2.62.0), embedded");
      p.setProperty("parallelism", String.valueOf(PARALLELISM));
      // The source's settings are in the savepoint: a restored job reads from these addresses.
      p.setProperty("hbaseZk", SharedMiniHBase.zkQuorum());
      p.setProperty("redisUrl", SharedRedis.url());
      p.setProperty("rows", String.valueOf(rows.size()));
      p.setProperty("generator", "JourneyGenerator(" + SEED + ").batchEvents(" + USERS + ", ...)");
      SavepointFixture fixture = SavepointFixture.named(name);
      fixture.write(savepoint, rows, p);
      System.out.printf(
          "savepoint fixture %s: %d rows, %d bytes, from %s%n",
          fixture.dir, rows.size(), fixture.size(), savepoint);
    }
  }

  /**
   * POST /jobs/:id/savepoints with cancel-job; waits for it and returns the savepoint's directory.
   */
  private static Path savepointAndCancel(int restPort, Path targetDir) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    String base = "http://127.0.0.1:" + restPort;
    JsonNode jobs = json.readTree(get(http, base + "/jobs/overview"));
    String jobId = jobs.get("jobs").get(0).get("jid").asText();
    String body =
        json.writeValueAsString(
            json.createObjectNode()
                .put("target-directory", targetDir.toUri().toString())
                .put("cancel-job", true)
                .put("formatType", "CANONICAL"));
    String trigger =
        http.send(
                HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "/savepoints"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    String requestId = json.readTree(trigger).get("request-id").asText();
    AtomicReference<JsonNode> status = new AtomicReference<>();
    boolean done =
        Await.until(
            Duration.ofSeconds(60),
            () -> {
              try {
                status.set(
                    json.readTree(get(http, base + "/jobs/" + jobId + "/savepoints/" + requestId)));
                return status.get().path("status").path("id").asText().equals("COMPLETED");
              } catch (Exception e) {
                return false;
              }
            });
    assertThat(done).as("the savepoint completes: %s", status.get()).isTrue();
    JsonNode operation = status.get().path("operation");
    assertThat(operation.has("location")).as("a savepoint location in %s", operation).isTrue();
    return Path.of(URI.create(operation.get("location").asText()));
  }

  private static String get(HttpClient http, String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
