package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.core.Event;
import io.clickstream.core.EventParser;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import io.clickstream.core.funnel.FunnelEvaluator;
import io.clickstream.core.funnel.FunnelResult;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.pipeline.BackfillFunnel;
import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.SharedMiniHBase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The history kinds of {@code POST /api/query} against a real HBase mini cluster and the Direct
 * runner: their answers equal the saved funnel's after its backfill, or a plain-Java recomputation
 * over the same events; jobs are polled, cancelled and cached; every limit is a 4xx naming its
 * field.
 */
class HistoryQueriesTest {

  /** Low enough that a test can exceed it with a few thousand rows. */
  private static final long MAX_ROWS = 3_000;

  @RegisterExtension
  static final ApiFixture api = ApiFixture.withHistory(SharedMiniHBase.zkQuorum(), MAX_ROWS);

  private static final Duration GAP = Duration.ofMinutes(30); // the default session gap
  private static final String STEPS = "[\"page_view\",\"search\",\"register\"]";

  private final Instant now = Instant.now();
  private final Instant base = now.minus(Duration.ofHours(3));
  private List<String> journeys;

  @BeforeEach
  void writeJourneys() throws Exception {
    SharedMiniHBase.resetEventsTable();
    journeys = new JourneyGenerator(11).batch(120, base, Duration.ofMinutes(20));
    EventsTable.writeAsIfLive(journeys, Duration.ofSeconds(1));
  }

  @Test
  void aFunnelPreviewEqualsTheSavedFunnelAfterItsBackfill() throws Exception {
    String steps = "[{\"event\":\"page_view\"},{\"event\":\"search\"},{\"event\":\"register\"}]";
    assertThat(api.put("/api/funnels/signup", "{\"steps\":" + steps + "}").status()).isEqualTo(201);
    FunnelDefinition saved =
        FunnelDefinitions.parse(
            new FunnelStore(api.queryConnections(), Clock.systemUTC()).definition("signup", null),
            "signup");
    ClickstreamOptions options =
        PipelineOptionsFactory.fromArgs(
                "--runner=DirectRunner",
                "--hbaseZk=" + SharedMiniHBase.zkQuorum(),
                "--redisUrl=" + api.redisUrl())
            .as(ClickstreamOptions.class);
    assertThat(
            BackfillFunnel.start(options, saved, 0, Long.MAX_VALUE, System.currentTimeMillis())
                .waitUntilFinish())
        .isEqualTo(PipelineResult.State.DONE);
    String range = range(base.minus(Duration.ofHours(1)), now.plusSeconds(60));

    JsonNode live =
        api.post("/api/query", "{\"kind\":\"funnel\",\"funnel\":\"signup\"," + range + "}").json();
    JsonNode preview =
        result("{\"kind\":\"funnel_preview\",\"steps\":" + STEPS + "," + range + "}");

    assertThat(live.get("rows").get(0).get(2).asLong()).isPositive();
    assertThat(preview.get("rows")).isEqualTo(live.get("rows"));
    assertThat(preview.get("columns")).isEqualTo(live.get("columns"));
    assertThat(preview.get("chart")).isEqualTo(live.get("chart"));
    assertThat(preview.get("source").asText()).isEqualTo("history");
  }

  @Test
  void pathsAndTimeToConvertEqualAPlainJavaRecomputation() {
    Instant from = base.minus(Duration.ofMinutes(5));
    Instant to = base.plus(Duration.ofHours(2));
    List<List<Event>> sessions = sessionsStartingIn(journeys, from, to);

    JsonNode paths =
        result(
            "{\"kind\":\"paths\",\"after\":\"search\",\"depth\":2,\"limit\":50,"
                + range(from, to)
                + "}");
    assertThat(expectedPaths(sessions)).isNotEmpty();
    assertThat(answeredPaths(paths)).isEqualTo(expectedPaths(sessions));
    assertThat(paths.get("chart").get("type").asText()).isEqualTo("sankey");

    JsonNode times = result(timeToConvert(STEPS, from, to));
    long[] expected = expectedTimesToConvert(sessions);
    assertThat(histogram(times)).isEqualTo(expected);
    assertThat(java.util.Arrays.stream(expected).sum()).isPositive();
  }

  /**
   * Rows first written long before the range are not read (HBase skips them by their cell time),
   * and the answers stay exactly the oracle's over every row: also for a session that began before
   * the range and goes on into it, one whose first event claims a time ahead of its write time (a
   * clock ahead, as far as the pipeline accepts), an event written later than its time, and a row
   * first written long ago and rewritten within the range. The job's progress only grows, and is 1
   * when it is done.
   */
  @Test
  void historyLongBeforeTheRangeIsNotReadAndTheAnswersStillEqualThePlainJavaRecomputation()
      throws Exception {
    Instant from = base.minus(Duration.ofMinutes(5));
    Instant to = base.plus(Duration.ofHours(2));
    List<String> old = new JourneyGenerator(7).batch(120, now.minus(Duration.ofDays(5)), GAP);
    EventsTable.writeAsIfLive(old, Duration.ofSeconds(1));
    List<String> lines = new ArrayList<>(old);
    lines.addAll(journeys);
    // Active every 20 minutes since 3 hours before the range: one session, which started before.
    for (int minutes = -180; minutes <= 0; minutes += 20) {
      lines.add(writeAt(event("straddler", "s" + minutes, "page_view", from, minutes * 60), 1));
    }
    lines.add(writeAt(event("straddler", "s-search", "search", from, 60), 1));
    lines.add(writeAt(event("straddler", "s-register", "register", from, 120), 1));
    // Its first event 28 minutes before the range (less than the gap before the next), written 4.5
    // minutes before its own time: 32.5 minutes before the range.
    lines.add(writeAt(event("ahead", "a1", "page_view", from, -28 * 60), -270));
    lines.add(writeAt(event("ahead", "a2", "search", from, 60), 1));
    lines.add(writeAt(event("ahead", "a3", "register", from, 180), 1));
    // Written 5 minutes after its time, within the allowed lateness: it counts.
    lines.add(writeAt(event("tardy", "t1", "search", from, 1_800), 300));
    lines.add(writeAt(event("tardy", "t2", "register", from, 1_860), 300));
    // First written four days ago; rewritten within the range as a search: the rewrite is no event.
    lines.add(writeAt(event("rewritten", "r1", "page_view", now, -4 * 86_400), 1));
    writeAt(event("rewritten", "r1", "search", from, 600), 1);
    lines.add(writeAt(event("rewritten", "r2", "register", from, 660), 1));
    List<List<Event>> sessions = sessionsStartingIn(lines, from, to);

    String pathsJob =
        api.post(
                "/api/query",
                "{\"kind\":\"paths\",\"after\":\"search\",\"depth\":2,\"limit\":50,"
                    + range(from, to)
                    + "}")
            .json()
            .get("job")
            .asText();
    List<Double> fractions = new ArrayList<>();
    JsonNode job = poll(pathsJob, fractions);
    assertThat(job.get("status").asText()).isEqualTo("done");
    assertThat(answeredPaths(job.get("result"))).isEqualTo(expectedPaths(sessions));
    assertThat(expectedPaths(sessions)).containsKeys("search → register");
    // The journeys, the straddler's last four events, the three of "ahead", the two of "tardy" and
    // r2; r1 is read but dropped, since it was first written before.
    assertThat(job.get("progress").get("rows_read").asLong())
        .isEqualTo(rows(journeys) + 4 + 3 + 2 + 1);
    assertThat(fractions).isSorted().last().isEqualTo(1.0);
    assertThat(fractions).anyMatch(f -> f > 0 && f < 1);

    JsonNode times = result(timeToConvert(STEPS, from, to));
    assertThat(histogram(times)).isEqualTo(expectedTimesToConvert(sessions));
  }

  /**
   * A user-scope funnel's attempts span sessions: the time between two of its steps equals the
   * plain-Java evaluation of each user's whole history.
   */
  @Test
  void timeToConvertOfAUserScopeFunnelEqualsAPlainJavaRecomputation() {
    Instant from = base.minus(Duration.ofMinutes(5));
    Instant to = base.plus(Duration.ofHours(2));
    String definition =
        "{\"steps\":[{\"event\":\"page_view\"},{\"event\":\"register\"}],"
            + "\"scope\":\"user\",\"window\":\"P1D\"}";
    FunnelDefinition funnel = FunnelDefinitions.parse(definition, "u");
    long[] expected = new long[HistoryQueries.BUCKETS.length];
    for (List<Event> events : eventsByUser(journeys).values()) {
      for (FunnelEvaluator.UserAttempt a : FunnelEvaluator.evaluateUser(funnel, events)) {
        FunnelResult r = a.result();
        if (r.startMillis() >= from.toEpochMilli()
            && r.startMillis() < to.toEpochMilli()
            && r.reached() >= 2) {
          expected[HistoryQueries.bucketOf((r.reachedAt().get(1) - r.reachedAt().get(0)) / 1000)]++;
        }
      }
    }

    JsonNode times =
        result(
            "{\"kind\":\"time_to_convert\",\"steps\":[\"page_view\",\"register\"],"
                + "\"scope\":\"user\",\"window\":\"P1D\","
                + range(from, to)
                + "}");
    assertThat(histogram(times)).isEqualTo(expected);
    assertThat(java.util.Arrays.stream(expected).sum()).isPositive();
  }

  @Test
  void aUsersTimelinePagesThroughItsEventsInTimeOrderAndARepeatedQueryIsCached() throws Exception {
    Instant longAgo = now.minus(Duration.ofDays(3));
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      lines.add(
          "{\"event_id\":\"t-"
              + (100 - i)
              + "\",\"user_id\":\"ann\",\"name\":\"step_"
              + i
              + "\",\"ts\":"
              + longAgo.plusSeconds(60L * i).toEpochMilli()
              + ",\"source\":\"ads\"}");
    }
    EventsTable.writeAsIfLive(lines, Duration.ofSeconds(1));
    String window = "from=" + longAgo.minusSeconds(1) + "&to=" + longAgo.plus(Duration.ofDays(1));

    List<String> names = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page =
          api.get(
                  "/api/users/ann/events?limit=10&"
                      + window
                      + (cursor == null ? "" : "&cursor=" + cursor))
              .json();
      page.get("events").forEach(e -> names.add(e.get("event").asText()));
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
      pages++;
    } while (cursor != null);
    assertThat(pages).isEqualTo(3);
    assertThat(names).hasSize(25).startsWith("step_0", "step_1").endsWith("step_24");

    String query =
        "{\"kind\":\"timeline\",\"user\":\"ann\",\"limit\":10,"
            + range(longAgo.minusSeconds(1), longAgo.plus(Duration.ofDays(1)))
            + "}";
    JsonNode first = result(query);
    assertThat(first.get("rows")).hasSize(10);
    assertThat(first.get("rows").get(0).get(1).asText()).isEqualTo("step_0");
    assertThat(first.get("rows").get(0).get(2).get("source").asText()).isEqualTo("ads");
    JsonNode again = api.post("/api/query", query).json();
    assertThat(again.get("status").asText()).isEqualTo("done");
    assertThat(api.get(again.get("status_url").asText()).json().get("result").get("rows"))
        .isEqualTo(first.get("rows"));
  }

  @Test
  void aSampleHoldsOnlyEventsMatchingItsFilter() {
    JsonNode sample =
        result(
            "{\"kind\":\"sample\",\"event\":\"page_view\",\"where\":{\"page\":\"/landing\"},\"limit\":5,"
                + range(base.minus(Duration.ofHours(1)), now)
                + "}");
    assertThat(sample.get("rows")).hasSize(5);
    sample
        .get("rows")
        .forEach(
            row -> {
              assertThat(row.get(2).asText()).isEqualTo("page_view");
              assertThat(row.get(3).get("page").asText()).isEqualTo("/landing");
            });
  }

  @Test
  void aCancelledJobSaysSoAndAnUnknownJobIsANotFoundNamingJob() {
    JsonNode submitted =
        api.post("/api/query", "{\"kind\":\"paths\",\"after\":\"search\"," + range(base, now) + "}")
            .json();
    JsonNode cancelled = api.delete(submitted.get("status_url").asText(), null).json();
    assertThat(cancelled.get("status").asText()).isEqualTo("cancelled");
    assertThat(api.get(submitted.get("status_url").asText()).json().get("status").asText())
        .isEqualTo("cancelled");

    ApiFixture.Reply unknown = api.get("/api/query/0123456789abcdef");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("error").asText()).startsWith("job:");
  }

  @Test
  void eachLimitIsA4xxNamingItsField() throws Exception {
    Instant from = now.minus(Duration.ofDays(40));
    assertRefused("{\"kind\":\"sample\"," + range(from, now) + "}", "from:");
    assertRefused("{\"kind\":\"paths\",\"after\":\"search\",\"depth\":6}", "depth:");
    assertRefused("{\"kind\":\"paths\",\"after\":\"search\",\"limit\":51}", "limit:");
    assertRefused("{\"kind\":\"paths\"}", "after:");
    assertRefused("{\"kind\":\"sample\",\"limit\":201}", "limit:");
    assertRefused("{\"kind\":\"sample\",\"where\":{\"colour\":\"red\"}}", "where.colour:");
    assertRefused("{\"kind\":\"timeline\"}", "user:");
    assertRefused("{\"kind\":\"funnel_preview\",\"steps\":[\"a\"]}", "steps:");
    assertRefused(
        "{\"kind\":\"funnel_preview\",\"steps\":" + STEPS + ",\"order\":\"sideways\"}", "order:");
    assertRefused(
        "{\"kind\":\"time_to_convert\",\"steps\":" + STEPS + ",\"to_step\":4}", "to_step:");
    assertThat(api.get("/api/users/ann/events?limit=0").json().get("error").asText())
        .startsWith("limit:");

    // Past the server's cap on rows a job reads, the job fails naming the limit.
    List<String> more = new JourneyGenerator(5).batch(1_500, base, Duration.ofMinutes(20));
    EventsTable.writeAsIfLive(more, Duration.ofSeconds(1));
    JsonNode failed =
        poll(
            api.post("/api/query", "{\"kind\":\"sample\",\"event\":\"no_such_event\"}")
                .json()
                .get("job")
                .asText());
    assertThat(failed.get("status").asText()).isEqualTo("failed");
    assertThat(failed.get("error").get("field").asText()).isEqualTo("from");
    assertThat(failed.get("error").get("error").asText()).contains("3,000 rows");
  }

  private static void assertRefused(String query, String field) {
    ApiFixture.Reply reply = api.post("/api/query", query);
    assertThat(reply.status()).as(query).isEqualTo(400);
    assertThat(reply.json().get("error").asText()).as(query).startsWith(field);
  }

  /** The answer of a history query, once its job is done. */
  private static JsonNode result(String query) {
    ApiFixture.Reply submitted = api.post("/api/query", query);
    assertThat(submitted.status()).as(submitted.text()).isEqualTo(202);
    JsonNode job = poll(submitted.json().get("job").asText());
    assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("done");
    return job.get("result");
  }

  private static JsonNode poll(String id) {
    return poll(id, new ArrayList<>());
  }

  /** Polls job {@code id} until it ends, adding the fraction done each poll saw. */
  private static JsonNode poll(String id, List<Double> fractions) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode job = api.get("/api/query/" + id).json();
      fractions.add(job.get("progress").get("fraction").asDouble());
      String status = job.get("status").asText();
      if (!status.equals("queued") && !status.equals("running")) {
        return job;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("job " + id + " did not finish");
  }

  private static String timeToConvert(String steps, Instant from, Instant to) {
    return "{\"kind\":\"time_to_convert\",\"steps\":"
        + steps
        + ",\"from_step\":1,\"to_step\":2,"
        + range(from, to)
        + "}";
  }

  /** An event of {@code user} at {@code seconds} after {@code at}. */
  private static String event(String user, String id, String name, Instant at, long seconds) {
    return String.format(
        "{\"event_id\":\"%s\",\"user_id\":\"%s\",\"name\":\"%s\",\"ts\":%d}",
        id, user, name, at.plusSeconds(seconds).toEpochMilli());
  }

  /** Writes {@code line} {@code seconds} after its event time (before, when negative). */
  private static String writeAt(String line, long seconds) throws Exception {
    Instant ts = Instant.ofEpochMilli(EventParser.parse(line).event().timestampMillis());
    EventsTable.writeAt(line, ts.plusSeconds(seconds));
    return line;
  }

  /** The oracle's paths after {@code search}, of depth 2, counted. */
  private static Map<String, Long> expectedPaths(List<List<Event>> sessions) {
    Map<String, Long> expected = new HashMap<>();
    for (List<Event> session : sessions) {
      for (int i = 0; i < session.size(); i++) {
        if (session.get(i).name().equals("search")) {
          List<String> names = new ArrayList<>();
          for (int j = i; j < Math.min(session.size(), i + 3); j++) {
            names.add(session.get(j).name());
          }
          expected.merge(String.join(" → ", names), 1L, Long::sum);
          break;
        }
      }
    }
    return expected;
  }

  private static Map<String, Long> answeredPaths(JsonNode paths) {
    Map<String, Long> answered = new HashMap<>();
    paths.get("rows").forEach(row -> answered.put(row.get(0).asText(), row.get(1).asLong()));
    return answered;
  }

  /** The oracle's times from step 1 to step 2 of {@link #STEPS}, per bucket. */
  private static long[] expectedTimesToConvert(List<List<Event>> sessions) {
    FunnelDefinition funnel =
        FunnelDefinitions.parse(
            "{\"steps\":[{\"event\":\"page_view\"},{\"event\":\"search\"},{\"event\":\"register\"}]}",
            "t");
    long[] expected = new long[HistoryQueries.BUCKETS.length];
    for (List<Event> session : sessions) {
      Optional<FunnelResult> r = FunnelEvaluator.evaluateSession(funnel, session);
      if (r.isPresent() && r.get().reached() >= 2) {
        long seconds = (r.get().reachedAt().get(1) - r.get().reachedAt().get(0)) / 1000;
        expected[HistoryQueries.bucketOf(seconds)]++;
      }
    }
    return expected;
  }

  private static long[] histogram(JsonNode times) {
    long[] counts = new long[HistoryQueries.BUCKETS.length];
    for (int b = 0; b < counts.length; b++) {
      counts[b] = times.get("rows").get(b).get(3).asLong();
    }
    return counts;
  }

  private static String range(Instant from, Instant to) {
    return "\"from\":\"" + from + "\",\"to\":\"" + to + "\"";
  }

  /**
   * The oracle's events: each user's, in time order, from lines in the order they were first
   * written.
   */
  private static Map<String, List<Event>> eventsByUser(List<String> lines) {
    Map<String, List<Event>> byUser = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (String line : lines) {
      Event e = EventParser.parse(line).event();
      // A line sent again is a rewrite of its row: its first write is the event.
      if (seen.add(e.userId() + "\n" + e.eventId())) {
        byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
      }
    }
    byUser
        .values()
        .forEach(
            events ->
                events.sort(
                    Comparator.comparingLong(Event::timestampMillis)
                        .thenComparing(Event::eventId)));
    return byUser;
  }

  private static long rows(List<String> lines) {
    return eventsByUser(lines).values().stream().mapToLong(List::size).sum();
  }

  /** The oracle's sessions: each user's events in time order, split where the gap is exceeded. */
  private static List<List<Event>> sessionsStartingIn(
      List<String> lines, Instant from, Instant to) {
    List<List<Event>> sessions = new ArrayList<>();
    for (List<Event> events : eventsByUser(lines).values()) {
      List<Event> session = new ArrayList<>();
      for (Event e : events) {
        if (!session.isEmpty()
            && e.timestampMillis() - session.get(session.size() - 1).timestampMillis()
                >= GAP.toMillis()) {
          sessions.add(session);
          session = new ArrayList<>();
        }
        session.add(e);
      }
      sessions.add(session);
    }
    sessions.removeIf(
        s ->
            s.get(0).timestampMillis() < from.toEpochMilli()
                || s.get(0).timestampMillis() >= to.toEpochMilli());
    return sessions;
  }
}
