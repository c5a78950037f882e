package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The JSON API on {@code port} as a user reaches it (writes with {@code token}), and journeys
 * through a three-step funnel, land, look, buy, to count with it.
 */
record DemoApi(int port, String token) {

  static final String FUNNEL_STEPS =
      "\"steps\":[{\"event\":\"land\"},{\"event\":\"look\"},{\"event\":\"buy\"}]";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /**
   * One line per event: {@code users} users land, the first {@code buyers} of them also look and
   * buy, a second apart from {@code start}; ids start with {@code prefix}.
   */
  static List<String> journeys(String prefix, int users, int buyers, Instant start) {
    List<String> lines = new ArrayList<>();
    for (int user = 0; user < users; user++) {
      String[] journey =
          user < buyers ? new String[] {"land", "look", "buy"} : new String[] {"land"};
      for (int step = 0; step < journey.length; step++) {
        lines.add(
            String.format(
                "{\"event_id\":\"%s-%d-%d\",\"user_id\":\"%s-buyer-%d\",\"name\":\"%s\",\"ts\":\"%s\"}",
                prefix, user, step, prefix, user, journey[step], start.plusSeconds(step)));
      }
    }
    return lines;
  }

  /** {@code &from=...&to=...}: ten minutes either side of {@code around}. */
  static String range(Instant around) {
    return "&from="
        + URLEncoder.encode(around.minusSeconds(600).toString(), StandardCharsets.UTF_8)
        + "&to="
        + URLEncoder.encode(around.plusSeconds(600).toString(), StandardCharsets.UTF_8);
  }

  static List<Long> stepCounts(JsonNode results) {
    List<Long> counts = new ArrayList<>();
    results.get("steps").forEach(step -> counts.add(step.get("count").asLong()));
    return counts;
  }

  /** The event catalog, {@code GET /api/events}: each event name's total. */
  Map<String, Long> eventTotals() throws Exception {
    Map<String, Long> totals = new TreeMap<>();
    getJson("/api/events")
        .forEach(event -> totals.put(event.get("name").asText(), event.get("total").asLong()));
    return totals;
  }

  /** Asks for {@code path} every 100 ms until {@code done}, for at most 30 s; the last answer. */
  JsonNode await(String path, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    JsonNode body = getJson(path);
    while (!done.test(body) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      body = getJson(path);
    }
    return body;
  }

  /**
   * {@code POST /api/query}: a live kind's answer (200), or a history kind's (202), its job polled
   * every 100 ms until done, for at most 2 minutes.
   */
  JsonNode query(String query) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/query"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(query))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isIn(200, 202);
    JsonNode answer = JSON.readTree(response.body());
    if (response.statusCode() == 200) {
      return answer;
    }
    long deadline = System.nanoTime() + 120_000_000_000L;
    JsonNode job = getJson(answer.get("status_url").asText());
    while (!job.get("status").asText().equals("done")) {
      assertThat(job.get("status").asText()).as(job.toString()).isIn("queued", "running");
      assertThat(System.nanoTime()).as("the job within 2 minutes: " + job).isLessThan(deadline);
      Thread.sleep(100);
      job = getJson(answer.get("status_url").asText());
    }
    return job.get("result");
  }

  JsonNode getJson(String path) throws Exception {
    return JSON.readTree(get(path));
  }

  String get(String path) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  void put(String path, String body) throws Exception {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token)
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
  }
}
