package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.api.ApiConfig;
import io.clickstream.api.ApiServer;
import io.clickstream.core.EventTable;
import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.ClickstreamPipeline;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.embedded.RedisServer;

/**
 * The product's promise end to end, with the demo's parts: events written with {@code analytics load}
 * into a real HBase show up in {@code /api/counts} within seconds, through the streaming pipeline and
 * a real Redis.
 */
class LoadedEventsReachTheApiTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void eventsWrittenWithLoadAreCountedByTheApiWithinSeconds() throws Exception {
    EmbeddedHBase hbase = MiniHBase.get();
    hbase.util().deleteTableIfAny(EventTable.NAME);
    try (Connection connection = ConnectionFactory.createConnection(hbase.util().getConfiguration());
        Admin admin = connection.getAdmin()) {
      EventTable.createIfMissing(admin);
    }
    int redisPort = freePort();
    RedisServer redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1").setting("save \"\"").build();
    redis.start();
    String redisUrl = "redis://127.0.0.1:" + redisPort;
    ApiServer api = new ApiServer(new ApiConfig("127.0.0.1", 0, redisUrl, hbase.zk(), null));
    api.start();
    PipelineResult pipeline = ClickstreamPipeline.run(PipelineOptionsFactory.fromArgs(
        "--runner=DirectRunner", "--hbaseZk=" + hbase.zk(), "--redisUrl=" + redisUrl,
        "--readFromMillis=" + (System.currentTimeMillis() - 60_000)).as(ClickstreamOptions.class));
    try {
      Instant now = Instant.now();
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        lines.add(String.format("{\"event_id\":\"e2e-%d\",\"user_id\":\"user-%d\",\"name\":\"e2e_signup\","
            + "\"ts\":\"%s\",\"source\":\"%s\"}", i, i % 7, now.minusSeconds(i), i % 3 == 0 ? "a:b" : "google"));
      }
      Path file = Files.write(dir.resolve("events.jsonl"), lines, StandardCharsets.UTF_8);

      Run load = Run.of("load", file.toString(), "--hbase-zk", hbase.zk());
      assertThat(load.exitCode()).as(load.toString()).isZero();
      long loadedAt = System.nanoTime();

      String query = "/api/counts?event=e2e_signup&by=source"
          + "&from=" + URLEncoder.encode(now.minusSeconds(600).toString(), StandardCharsets.UTF_8)
          + "&to=" + URLEncoder.encode(now.plusSeconds(600).toString(), StandardCharsets.UTF_8);
      long deadline = loadedAt + 30_000_000_000L;
      JsonNode counts = JSON.readTree(api(api, query));
      while (total(counts) < 30 && System.nanoTime() < deadline) {
        Thread.sleep(100);
        counts = JSON.readTree(api(api, query));
      }
      long millis = (System.nanoTime() - loadedAt) / 1_000_000;
      System.out.println("loaded events visible in /api/counts after " + millis + " ms");

      assertThat(total(counts)).isEqualTo(30);
      assertThat(seriesTotal(counts, "a:b")).isEqualTo(10);
      assertThat(seriesTotal(counts, "google")).isEqualTo(20);
      assertThat(millis).as("from load to the API").isLessThan(10_000);
      JsonNode health = JSON.readTree(api(api, "/api/health"));
      assertThat(health.at("/hbase/status").asText()).isEqualTo("up");
      assertThat(health.at("/pipeline/status").asText()).isEqualTo("running");
      assertThat(health.at("/pipeline/watermark").isTextual()).isTrue();
    } finally {
      pipeline.cancel();
      api.close();
      redis.stop();
    }
  }

  private String api(ApiServer api, String path) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
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

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
