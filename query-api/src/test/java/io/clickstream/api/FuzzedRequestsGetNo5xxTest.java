package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.core.RedisKeys;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Thousands of generated requests against a running API with real Redis and data in it: every
 * answer is a 2xx or 4xx, an error is JSON, and the server stays healthy (issue 11, "Fuzzing"); a
 * quarter of them are random queries and notebooks for the routes that read a JSON body. The seed
 * is printed; {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.requests=N} sets its length.
 */
class FuzzedRequestsGetNo5xxTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final String READ_TOKEN = "fuzz-read-token-0123456789";

  @RegisterExtension static final ApiFixture readProtected = ApiFixture.withReadToken(READ_TOKEN);

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final long DEFAULT_SEED = 20_261_204L;

  @BeforeEach
  void seedData() {
    assertThat(
            api.put(
                    "/api/funnels/signup",
                    "{\"steps\":[{\"event\":\"page_view\",\"where\":{\"page\":\"/landing\"}},"
                        + "{\"event\":\"search\"},{\"event\":\"register\"}],\"exclude\":[{\"event\":"
                        + "\"checkout\",\"after_step\":1,\"before_step\":2}],"
                        + "\"breakdown\":[\"source\",\"campaign\"]}")
                .status())
        .isEqualTo(201);
    for (String minute :
        List.of("2024-05-01T10:00:00Z", "2024-05-01T10:01:00Z", "2024-05-01T11:30:00Z")) {
      api.count(RedisKeys.eventMetric("page_view"), minute, 7);
      api.count(RedisKeys.eventMetric("page_view"), "source", "google", minute, 4);
      api.count(RedisKeys.eventMetric("page_view"), "source", "(none)", minute, 3);
      api.redis()
          .hset(
              RedisKeys.funnelResults("signup", 1, ApiFixture.epochMinute(minute)),
              Map.of("reached:1", "5", "reached:2", "3", "by:source:1:google", "5", "open", "2"));
    }
    api.redis().hset(RedisKeys.CATALOG_TOTAL, Map.of("page_view", "21", "search", "9"));
  }

  @Test
  void thousandsOfGeneratedRequestsAreAnsweredWithoutA5xxAndErrorsAreJson() throws IOException {
    long seed = Long.getLong("fuzz.seed", DEFAULT_SEED);
    int requests = Integer.getInteger("fuzz.requests", 3_000);
    System.out.println("fuzz seed " + seed + ", " + requests + " requests");
    FuzzedRequests fuzz = new FuzzedRequests(seed, port(api), ApiFixture.TOKEN);
    List<String> wrong = new ArrayList<>();
    int unanswered = 0;
    for (int i = 0; i < requests && wrong.size() < 20; i++) {
      FuzzedRequests.Exchange exchange = fuzz.next();
      if (exchange.status() == 0) {
        unanswered++; // a request the server would not read (checked below: it is still up)
      } else if (exchange.status() >= 500 || exchange.status() < 200) {
        wrong.add(exchange.toString());
      } else if (exchange.status() >= 400
          && !exchange.method().equals("HEAD") // an answer to HEAD has no body
          && !isJson(exchange.body())) {
        wrong.add("not JSON: " + exchange);
      }
    }

    assertThat(wrong).as("seed %d", seed).isEmpty();
    assertThat(unanswered).as("requests closed without an answer").isLessThan(requests / 100);
    ApiFixture.Reply health = api.get("/api/health");
    assertThat(health.status()).isEqualTo(200);
    // Counts are read-only through the API, whatever the fuzzer sent with the token.
    long pageViews = 0;
    for (JsonNode point :
        api.get("/api/counts?event=page_view&from=2024-05-01T10:00:00Z&to=2024-05-01T12:00:00Z")
            .json()
            .at("/series/0/points")) {
      pageViews += point.get("count").asLong();
    }
    assertThat(pageViews).as("the counts are still there").isEqualTo(21);
  }

  @Test
  void everyGeneratedWriteWithoutTheTokenIsRefusedWith401AndChangesNothing() {
    long seed = Long.getLong("fuzz.seed", DEFAULT_SEED);
    FuzzedRequests fuzz = new FuzzedRequests(seed, port(api), ApiFixture.TOKEN);
    assertThat(api.put("/api/notebooks/weekly", "{\"title\":\"Weekly\",\"cells\":[]}").status())
        .isEqualTo(201);
    String before = api.get("/api/funnels").text();
    String notebooksBefore =
        api.get("/api/notebooks").text() + api.get("/api/notebooks/weekly").text();
    for (int i = 0; i < 500; i++) {
      FuzzedRequests.Exchange write = fuzz.nextWriteWithoutTheToken();
      if (!unreadable(write)) {
        assertThat(write.status()).as("seed %d: %s", seed, write).isEqualTo(401);
      }
    }
    assertThat(api.get("/api/funnels").text()).isEqualTo(before);
    assertThat(api.get("/api/notebooks").text() + api.get("/api/notebooks/weekly").text())
        .isEqualTo(notebooksBefore);
  }

  @Test
  void withAReadTokenEveryGeneratedReadWithoutItIsRefusedWith401() {
    long seed = Long.getLong("fuzz.seed", DEFAULT_SEED);
    FuzzedRequests fuzz = new FuzzedRequests(seed, port(readProtected), READ_TOKEN);
    for (int i = 0; i < 500; i++) {
      FuzzedRequests.Exchange read = fuzz.nextReadWithoutTheToken();
      // A path such as /api/funnels//..%2F.. that Jetty resolves to a static page holds no data.
      if (!unreadable(read) && !read.body().startsWith("<!doctype html>")) {
        assertThat(read.status()).as("seed %d: %s", seed, read).isEqualTo(401);
      }
    }
  }

  /**
   * Refused before it was read: Jetty could not parse it (a raw space or control character, a line
   * too long), or closed the connection. It reaches no route, so no check of a token either.
   */
  private static boolean unreadable(FuzzedRequests.Exchange exchange) {
    return exchange.status() == 0
        || (exchange.status() >= 400
            && exchange.status() < 500
            && exchange.body().contains(JsonErrorHandler.UNREADABLE));
  }

  private static boolean isJson(String body) {
    try {
      return JSON.readTree(body).isObject();
    } catch (IOException e) {
      return false;
    }
  }

  private static int port(ApiFixture fixture) {
    return Integer.parseInt(fixture.baseUrl().substring(fixture.baseUrl().lastIndexOf(':') + 1));
  }
}
