package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.SessionFigures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code sessions} query's figures against a plain-Java computation from the sessions
 * themselves: the hashes are seeded as the pipeline writes them (per session, in its first minute,
 * by its first touch), and each row's figures must equal those of the sessions it covers.
 */
class SessionFiguresQueryTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final Instant FROM = Instant.parse("2024-05-01T10:00:00Z");
  private static final List<String> SOURCES = List.of("google", "bing", "partner:acme");

  /** A session as the pipeline sees it: its first minute, first touch, events and length. */
  private record Session(int minute, String source, int events, long lengthSeconds) {}

  @Test
  void eachRowsEventsPerSessionBounceRateAndMedianLengthAreThoseOfItsSessions() {
    List<Session> sessions = randomSessions(new Random(12), 400);
    sessions.forEach(SessionFiguresQueryTest::seed);

    JsonNode answer = query("\"by\":\"source\",\"step\":\"hour\",\"limit\":2");

    assertThat(QueryApiTest.columns(answer))
        .containsExactly(
            "t",
            "key",
            "missing",
            "other",
            "count",
            "events",
            "bounces",
            "events_per_session",
            "bounce_rate",
            "median_length_seconds",
            "median_length_below_seconds");
    int checked = 0;
    for (JsonNode row : answer.get("rows")) {
      int hour = Instant.parse(row.get(0).asText().replace("Z", ":00Z")).equals(FROM) ? 0 : 1;
      String key = row.get(1).asText();
      boolean other = row.get(3).asBoolean();
      List<String> top = topTwo(sessions);
      List<Session> covered =
          sessions.stream()
              .filter(s -> s.minute() / 60 == hour)
              .filter(s -> other ? !top.contains(s.source()) : s.source().equals(key))
              .toList();
      assertThat(row.get(4).asLong()).as("count of %s", row).isEqualTo(covered.size());
      assertThat(row.get(5).asLong()).isEqualTo(covered.stream().mapToLong(Session::events).sum());
      assertThat(row.get(6).asLong())
          .isEqualTo(covered.stream().filter(s -> s.events() == 1).count());
      if (covered.isEmpty()) {
        assertThat(row.get(7).isNull()).isTrue();
        assertThat(row.get(9).isNull()).isTrue();
        continue;
      }
      assertThat(row.get(7).asDouble())
          .isEqualTo((double) covered.stream().mapToLong(Session::events).sum() / covered.size());
      assertThat(row.get(8).asDouble())
          .isEqualTo(
              (double) covered.stream().filter(s -> s.events() == 1).count() / covered.size());
      long median =
          covered.stream()
              .map(Session::lengthSeconds)
              .sorted()
              .toList()
              .get((covered.size() + 1) / 2 - 1);
      assertThat(row.get(9).asLong()).as("the median's bucket").isLessThanOrEqualTo(median);
      if (!row.get(10).isNull()) {
        assertThat(row.get(10).asLong()).isGreaterThan(median);
      }
      checked++;
    }
    assertThat(checked).as("rows with sessions").isGreaterThanOrEqualTo(4);
  }

  @Test
  void withoutByTheFiguresAreThoseOfAllSessionsAndABounceIsASessionOfOneEvent() {
    seed(new Session(0, "google", 1, 0));
    seed(new Session(1, "bing", 3, 45));
    seed(new Session(2, "bing", 8, 600));
    seed(new Session(3, "google", 2, 20_000));

    JsonNode rows = query("\"step\":\"hour\"").get("rows");

    assertThat(rows.get(0).toString())
        .isEqualTo("[\"2024-05-01T10:00Z\",\"all\",false,false,4,14,1,3.5,0.25,30,60]");
    assertThat(rows.get(1).toString())
        .isEqualTo("[\"2024-05-01T11:00Z\",\"all\",false,false,0,0,0,null,null,null,null]");
  }

  @Test
  void aComparisonOfSessionsComparesTheirCounts() {
    seed(new Session(0, "google", 2, 5));

    JsonNode answer =
        api.post(
                "/api/query",
                "{\"kind\":\"compare\",\"query\":{\"kind\":\"sessions\",\"step\":\"hour\","
                    + "\"from\":\"2024-05-01T10:00:00Z\",\"to\":\"2024-05-01T12:00:00Z\"}}")
            .json();

    assertThat(QueryApiTest.columns(answer))
        .containsExactly(
            "t", "key", "missing", "other", "count", "previous", "delta", "delta_ratio");
  }

  private static List<Session> randomSessions(Random random, int n) {
    List<Session> sessions = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int events = random.nextInt(4) == 0 ? 1 : 1 + random.nextInt(20);
      long length = events == 1 ? 0 : (long) (Math.pow(random.nextDouble(), 3) * 20_000);
      sessions.add(
          new Session(
              random.nextInt(120), SOURCES.get(random.nextInt(SOURCES.size())), events, length));
    }
    return sessions;
  }

  /** The two sources with the most sessions over the whole range (the query's limit). */
  private static List<String> topTwo(List<Session> sessions) {
    return SOURCES.stream()
        .sorted(
            Comparator.comparingLong(
                    (String source) ->
                        -sessions.stream().filter(s -> s.source().equals(source)).count())
                .thenComparing(Comparator.naturalOrder()))
        .limit(2)
        .toList();
  }

  /** Counts a session as the pipeline does: undivided and by source, in its first minute. */
  private static void seed(Session s) {
    String minute = FROM.plusSeconds(60L * s.minute()).toString();
    int bucket = SessionFigures.lengthBucket(0, s.lengthSeconds() * 1000);
    List<String> metrics = new ArrayList<>();
    metrics.add(RedisKeys.METRIC_SESSIONS);
    metrics.add(SessionFigures.lengthMetric(bucket));
    if (s.events() == 1) {
      metrics.add(SessionFigures.METRIC_BOUNCES);
    }
    for (String metric : metrics) {
      api.count(metric, minute, 1);
      api.count(metric, "source", s.source(), minute, 1);
    }
    api.count(SessionFigures.METRIC_EVENTS, minute, s.events());
    api.count(SessionFigures.METRIC_EVENTS, "source", s.source(), minute, s.events());
  }

  private static JsonNode query(String fields) {
    ApiFixture.Reply reply =
        api.post(
            "/api/query",
            "{\"kind\":\"sessions\","
                + fields
                + ",\"from\":\"2024-05-01T10:00:00Z\",\"to\":\"2024-05-01T12:00:00Z\"}");
    assertThat(reply.status()).as(reply.text()).isEqualTo(200);
    return reply.json();
  }
}
