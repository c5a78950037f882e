package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.api.ApiConfig;
import io.clickstream.api.ApiServer;
import io.clickstream.core.EmbeddedHBase;
import io.clickstream.core.RedisKeys;
import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.ClickstreamPipeline;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product's promises end to end, with the demo's parts (HBase, Redis, the streaming pipeline on
 * the Direct runner, the API): what {@code analytics load} writes shows up in the API within
 * seconds, a funnel defined through the API counts from then on, and {@code analytics backfill}
 * covers history.
 */
class LoadedEventsReachTheApiTest {

  private static final String TOKEN = "e2e-token";

  private static EmbeddedHBase hbase;
  private static LocalServers.LocalRedis redis;
  private static ApiServer api;
  private static DemoApi client;
  private static PipelineResult pipeline;

  @TempDir Path dir;

  @BeforeAll
  static void startTheStack() throws Exception {
    hbase = MiniHBase.withAnEmptyEventsTable();
    redis = LocalServers.LocalRedis.start();
    api = new ApiServer(new ApiConfig("127.0.0.1", 0, redis.url(), hbase.zk(), TOKEN));
    api.start();
    client = new DemoApi(api.port(), TOKEN);
    pipeline =
        ClickstreamPipeline.run(
            PipelineOptionsFactory.fromArgs(
                    "--runner=DirectRunner",
                    "--blockOnRun=false",
                    "--hbaseZk=" + hbase.zk(),
                    "--redisUrl=" + redis.url(),
                    "--readFromMillis=" + (System.currentTimeMillis() - 60_000))
                .as(ClickstreamOptions.class));
  }

  @AfterAll
  static void stopTheStack() throws Exception {
    pipeline.cancel();
    api.close();
    redis.close();
  }

  @Test
  void eventsWrittenWithLoadAreCountedByTheApiWithinSeconds() throws Exception {
    Instant now = Instant.now();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      lines.add(
          String.format(
              "{\"event_id\":\"e2e-%d\",\"user_id\":\"user-%d\",\"name\":\"e2e_signup\","
                  + "\"ts\":\"%s\",\"source\":\"%s\"}",
              i, i % 7, now.minusSeconds(i), i % 3 == 0 ? "a:b" : "google"));
    }
    load(lines);
    long loadedAt = System.nanoTime();

    JsonNode counts =
        client.await(
            "/api/counts?event=e2e_signup&by=source" + DemoApi.range(now), c -> total(c) >= 30);
    long millis = (System.nanoTime() - loadedAt) / 1_000_000;
    System.out.println("loaded events visible in /api/counts after " + millis + " ms");

    assertThat(total(counts)).isEqualTo(30);
    assertThat(seriesTotal(counts, "a:b")).isEqualTo(10);
    assertThat(seriesTotal(counts, "google")).isEqualTo(20);
    assertThat(millis).as("from load to the API").isLessThan(10_000);
    JsonNode health = client.getJson("/api/health");
    assertThat(health.at("/hbase/status").asText()).isEqualTo("up");
    assertThat(health.at("/pipeline/status").asText()).isEqualTo("running");
    assertThat(health.at("/pipeline/watermark").isTextual()).isTrue();
  }

  @Test
  void eventsWrittenWithLoadAppearOnTheLiveStreamAsTheyAreCounted() throws Exception {
    HttpResponse<Stream<String>> stream =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/stream"))
                    .build(),
                HttpResponse.BodyHandlers.ofLines());
    assertThat(stream.statusCode()).isEqualTo(200);
    Instant now = Instant.now();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      lines.add(
          String.format(
              "{\"event_id\":\"tick-%d\",\"user_id\":\"ticker-%d\",\"name\":\"e2e_tick\","
                  + "\"ts\":\"%s\"}",
              i, i, now.minusSeconds(i)));
    }
    load(lines);

    try (Stream<String> events = stream.body()) {
      String seen =
          CompletableFuture.supplyAsync(
                  () ->
                      events
                          .filter(line -> line.startsWith("data: ") && line.contains("e2e_tick"))
                          .findFirst()
                          .orElseThrow())
              .get(20, TimeUnit.SECONDS);
      JsonNode event = new ObjectMapper().readTree(seen.substring("data: ".length()));
      assertThat(event.get("user").asText()).startsWith("ticker-");
      assertThat(Instant.parse(event.get("ts").asText())).isBetween(now.minusSeconds(10), now);
    }
  }

  @Test
  void aFunnelDefinedThroughTheApiCountsFromThenOnAndABackfillCoversItsHistory() throws Exception {
    client.put("/api/funnels/e2e_live", "{" + DemoApi.FUNNEL_STEPS + "}");
    Instant start = Instant.now().plusSeconds(1);
    load(DemoApi.journeys("f", 5, 3, start));

    String live = "/api/funnels/e2e_live/results?" + DemoApi.range(start).substring(1);
    JsonNode results = client.await(live, r -> DemoApi.stepCounts(r).equals(List.of(5L, 3L, 3L)));
    assertThat(DemoApi.stepCounts(results)).containsExactly(5L, 3L, 3L);
    assertThat(results.get("in_progress").asLong()).isEqualTo(2);

    // A backfill of a live funnel over the same range finds nothing the live path has not counted.
    assertThat(backfill("e2e_live", start).exitCode()).isZero();
    assertThat(DemoApi.stepCounts(client.getJson(live))).containsExactly(5L, 3L, 3L);

    // A funnel defined after its data counts nothing live, and all of it once backfilled.
    Thread.sleep(Math.max(0, start.plusSeconds(3).toEpochMilli() - System.currentTimeMillis()));
    client.put("/api/funnels/e2e_later", "{" + DemoApi.FUNNEL_STEPS + "}");
    String later = "/api/funnels/e2e_later/results?" + DemoApi.range(start).substring(1);
    assertThat(DemoApi.stepCounts(client.getJson(later))).containsExactly(0L, 0L, 0L);
    Run backfill = backfill("e2e_later", start);
    assertThat(backfill.exitCode()).as(backfill.toString()).isZero();
    assertThat(backfill.out()).contains("Backfilled e2e_later version 1");
    assertThat(backfill.err()).contains("Using the live pipeline's --session-gap PT30M");
    assertThat(DemoApi.stepCounts(client.getJson(later))).containsExactly(5L, 3L, 3L);
  }

  @Test
  void aBackfillGivenAnotherSessionGapThanTheLivePipelinesIsRefusedAndCountsNothing()
      throws Exception {
    client.put("/api/funnels/e2e_gap", "{\"steps\":[{\"event\":\"land\"},{\"event\":\"buy\"}]}");

    Run refused = backfill("e2e_gap", Instant.now(), "--session-gap", "PT5M");

    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.err()).contains("--session-gap PT5M differs from the live pipeline's PT30M");
  }

  @Test
  void lastWeeksEventsLoadedIntoARunningDemoAreDeadLetteredThenCountedOnceByABackfillOfCounts()
      throws Exception {
    Instant weekAgo = Instant.now().minus(java.time.Duration.ofDays(7));
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      lines.add(
          String.format(
              "{\"event_id\":\"import-%d\",\"user_id\":\"importer-%d\",\"name\":\"e2e_import\","
                  + "\"ts\":\"%s\"}",
              i, i % 4, weekAgo.plusSeconds(20L * i)));
    }
    long deadBefore = client.getJson("/api/health").get("dead_letters").asLong();
    load(lines);
    client.await("/api/health", h -> h.get("dead_letters").asLong() >= deadBefore + 20);
    String counts = "/api/counts?event=e2e_import" + DemoApi.range(weekAgo.plusSeconds(200));
    assertThat(total(client.getJson(counts))).as("late rows are not counted live").isZero();

    String[] range =
        backfillArgs(weekAgo.minusSeconds(3600), weekAgo.plusSeconds(3600), "--counts");
    Run backfill = Run.of(range);
    assertThat(backfill.exitCode()).as(backfill.toString()).isZero();
    assertThat(backfill.out()).contains("Counted 20 late rows into the counts");
    assertThat(total(client.getJson(counts))).isEqualTo(20);
    assertThat(client.getJson("/api/health").get("dead_letters_counted").asLong()).isEqualTo(20);

    assertThat(Run.of(range).exitCode()).isZero();
    assertThat(total(client.getJson(counts))).as("a run again changes nothing").isEqualTo(20);
  }

  @Test
  void aDimensionAddedAfterItsEventsWereCountedIsFilledInByABackfillOfThatDimension()
      throws Exception {
    Instant now = Instant.now();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      lines.add(
          String.format(
              "{\"event_id\":\"plan-%d\",\"user_id\":\"planner-%d\",\"name\":\"e2e_plan\","
                  + "\"ts\":\"%s\",\"properties\":{\"plan\":\"%s\"}}",
              i, i % 4, now.minusSeconds(i), i % 3 == 0 ? "pro" : "free"));
    }
    load(lines);
    String counts = "/api/counts?event=e2e_plan" + DemoApi.range(now);
    client.await(counts, c -> total(c) >= 12);
    // As a pipeline restarted with --dimensions ...,properties.plan records it: live from now on.
    redis
        .client()
        .hset(RedisKeys.DIMENSIONS, "properties.plan", Long.toString(System.currentTimeMillis()));
    String byPlan = counts + "&by=properties.plan";
    assertThat(total(client.getJson(byPlan))).as("counted before the dimension was").isZero();

    String[] range =
        backfillArgs(now.minusSeconds(600), now.plusSeconds(600), "--dimension", "properties.plan");
    Run backfill = Run.of(range);
    assertThat(backfill.exitCode()).as(backfill.toString()).isZero();
    assertThat(backfill.out()).contains("Counted by properties.plan");
    JsonNode filled = client.getJson(byPlan);
    assertThat(seriesTotal(filled, "pro")).isEqualTo(4);
    assertThat(seriesTotal(filled, "free")).isEqualTo(8);
    assertThat(Run.of(range).exitCode()).isZero();
    assertThat(total(client.getJson(byPlan))).as("a run again changes nothing").isEqualTo(12);

    Run unknown =
        Run.of(
            backfillArgs(
                now.minusSeconds(600), now.plusSeconds(600), "--dimension", "properties.never"));
    assertThat(unknown.exitCode()).as(unknown.toString()).isEqualTo(2);
    assertThat(unknown.err()).contains("no live pipeline has counted by properties.never");
  }

  private Run backfill(String funnel, Instant around, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                backfillArgs(
                    around.minusSeconds(600), around.plusSeconds(600), "--funnel", funnel)));
    args.addAll(List.of(more));
    return Run.of(args.toArray(String[]::new));
  }

  /** {@code analytics backfill} of what {@code mode} names over [from, to), on this stack. */
  private static String[] backfillArgs(Instant from, Instant to, String... mode) {
    List<String> args = new ArrayList<>(List.of("backfill"));
    args.addAll(List.of(mode));
    args.addAll(
        List.of(
            "--from",
            from.toString(),
            "--to",
            to.toString(),
            "--hbase-zk",
            hbase.zk(),
            "--redis",
            redis.url()));
    return args.toArray(String[]::new);
  }

  private void load(List<String> lines) throws Exception {
    Path file = Files.write(dir.resolve("events.jsonl"), lines, StandardCharsets.UTF_8);
    Run load = Run.of("load", file.toString(), "--hbase-zk", hbase.zk());
    assertThat(load.exitCode()).as(load.toString()).isZero();
  }

  private static long total(JsonNode counts) {
    long total = 0;
    for (JsonNode series : counts.get("series")) {
      for (JsonNode point : series.get("points")) {
        total += point.get("count").asLong();
      }
    }
    return total;
  }

  private static long seriesTotal(JsonNode counts, String key) {
    for (JsonNode series : counts.get("series")) {
      if (series.get("key").asText().equals(key)) {
        long total = 0;
        for (JsonNode point : series.get("points")) {
          total += point.get("count").asLong();
        }
        return total;
      }
    }
    return 0;
  }
}
