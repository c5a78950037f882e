package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.core.RedisKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

class LiveStreamTest {

  @RegisterExtension static final ApiFixture API = new ApiFixture();

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(10);

  /**
   * The server finds a client gone when it next writes to it: entries make it write at once, so
   * that each test starts with no stream open.
   */
  @AfterEach
  void streamsClosedByTheirClientsEnd() throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (API.openLiveStreams() > 0 && System.nanoTime() < deadline) {
      add("wake", 1L, "u");
      Thread.sleep(50);
    }
    assertThat(API.openLiveStreams()).isZero();
  }

  @Test
  void entriesThePipelineAddsAreSentAsEventsAsTheyCome() throws Exception {
    try (EventStream stream = open(Map.of())) {
      assertThat(stream.status).isEqualTo(200);
      assertThat(stream.next(WAIT)).isEqualTo("retry: 2000");
      add("search", 1_714_557_600_000L, "u1");
      add("checkout", 1_714_557_601_500L, "u2");

      assertThat(json(stream.nextData(WAIT)))
          .isEqualTo(
              MAPPER.readTree(
                  "{\"event\":\"search\",\"ts\":\"2024-05-01T10:00:00Z\",\"user\":\"u1\"}"));
      assertThat(json(stream.nextData(WAIT)).get("ts").asText())
          .isEqualTo("2024-05-01T10:00:01.500Z");
    }
  }

  @Test
  void aNewStreamStartsWithTheNewestEntriesAndAReconnectResumesAfterItsLastEvent()
      throws Exception {
    List<StreamEntryID> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ids.add(add("e" + i, 1_714_557_600_000L + i, "u"));
    }

    try (EventStream fresh = open(Map.of())) {
      for (int i = 30 - LiveStream.BACKLOG; i < 30; i++) {
        assertThat(json(fresh.nextData(WAIT)).get("event").asText()).isEqualTo("e" + i);
      }
    }
    try (EventStream resumed = open(Map.of("Last-Event-ID", ids.get(26).toString()))) {
      assertThat(json(resumed.nextData(WAIT)).get("event").asText()).isEqualTo("e27");
    }
  }

  @Test
  void streamsPastTheLimitAreRefusedWithA503UntilOneCloses() throws Exception {
    List<EventStream> open = new ArrayList<>();
    try {
      for (int i = 0; i < LiveStream.AT_ONCE; i++) {
        EventStream stream = open(Map.of());
        assertThat(stream.next(WAIT)).startsWith("retry:");
        open.add(stream);
      }
      ApiFixture.Reply refused = API.get("/api/stream");
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.headers().firstValue("Retry-After")).contains("1");
      assertThat(refused.json().get("error").asText())
          .startsWith("busy: " + LiveStream.AT_ONCE + " live streams are open");

      open.remove(0).close();
      // The server finds the client gone when it next writes to it: events make it write now.
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (API.openLiveStreams() == LiveStream.AT_ONCE && System.nanoTime() < deadline) {
        add("wake", 1L, "u");
        Thread.sleep(50);
      }
      EventStream again = open(Map.of());
      open.add(again);
      assertThat(again.status).as("a stream once one has closed").isEqualTo(200);
    } finally {
      for (EventStream stream : open) {
        stream.close();
      }
    }
  }

  @Test
  void aQuietStreamGetsAHeartbeat() throws Exception {
    try (EventStream stream = open(Map.of())) {
      assertThat(stream.next(WAIT)).startsWith("retry:");
      assertThat(stream.next(WAIT)).isEmpty();
      assertThat(stream.next(LiveStream.HEARTBEAT.plusSeconds(3))).isEqualTo(": heartbeat");
    }
  }

  @Test
  void aStoppingServerEndsItsOpenStreamsAndStopsPromptly() throws Exception {
    ApiServer own =
        new ApiServer(new ApiConfig("127.0.0.1", 0, API.redisUrl(), null, ApiFixture.TOKEN));
    own.start();
    try (EventStream stream =
        EventStream.open("http://127.0.0.1:" + own.port() + "/api/stream", Map.of())) {
      assertThat(stream.next(WAIT)).startsWith("retry:");
      long started = System.nanoTime();
      own.close();
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      String line = stream.next(WAIT);
      while (!line.equals(EventStream.END)) {
        line = stream.next(WAIT);
      }
      assertThat(took).isLessThan(LiveStream.BLOCK.multipliedBy(3));
    }
  }

  @Test
  void aLastEventIdThatIsNoIdIsA400NamingIt() {
    ApiFixture.Reply reply = API.get("/api/stream", Map.of("Last-Event-ID", "yesterday"));

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).startsWith("Last-Event-ID: expected the id");
  }

  private static EventStream open(Map<String, String> headers) {
    return EventStream.open(API.baseUrl() + "/api/stream", headers);
  }

  private static StreamEntryID add(String event, long ts, String user) {
    return API.redis()
        .xadd(
            RedisKeys.LIVE_EVENTS,
            XAddParams.xAddParams(),
            Map.of("event", event, "ts", Long.toString(ts), "user", user));
  }

  private static JsonNode json(String text) throws Exception {
    return MAPPER.readTree(text);
  }
}
