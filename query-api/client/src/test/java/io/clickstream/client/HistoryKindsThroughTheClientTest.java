package io.clickstream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.api.ApiFixture;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.SharedMiniHBase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The history kinds through the client: it polls the job the server answers 202 with, says how it
 * gets on on standard error, and returns the job's result, which equals the JSON API's.
 */
class HistoryKindsThroughTheClientTest {

  @RegisterExtension
  static final ApiFixture api = ApiFixture.withHistory(SharedMiniHBase.zkQuorum(), 0);

  private static final Instant NOW = Instant.now();
  private static final Instant BASE = NOW.minus(Duration.ofHours(3));

  @BeforeAll
  static void writeJourneys() throws Exception {
    SharedMiniHBase.resetEventsTable();
    EventsTable.writeAsIfLive(
        new JourneyGenerator(11).batch(60, BASE, Duration.ofMinutes(20)), Duration.ofSeconds(1));
  }

  @Test
  void aHistoryKindIsPolledUntilItsJobIsDoneAndAnswersTheJobsResult() throws Exception {
    Clickstream cs = Clickstream.connect(api.baseUrl(), null);
    Query paths = cs.paths().after("search").depth(2).top(50).between(BASE.minusSeconds(300), NOW);
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    PrintStream err = System.err;
    Result result;
    System.setErr(new PrintStream(progress, true, StandardCharsets.UTF_8));
    try {
      result = paths.run();
    } finally {
      System.setErr(err);
    }

    JsonNode submitted = api.post("/api/query", paths.json().toString()).json();
    JsonNode job = api.get(submitted.get("status_url").asText()).json();
    // The same query again is the cached job, already done (docs/notebook.md); polled in case not.
    for (int i = 0; i < 300 && !job.get("status").asText().equals("done"); i++) {
      Thread.sleep(100);
      job = api.get(submitted.get("status_url").asText()).json();
    }
    ObjectNode expected = job.get("result").deepCopy();
    ObjectNode answered = ((ObjectNode) result.json()).deepCopy();
    expected.remove("took_ms");
    answered.remove("took_ms");
    assertThat(answered).isEqualTo(expected);
    assertThat(result.source()).isEqualTo("history");
    assertThat(result.rows()).isNotEmpty();
    assertThat(result.columns()).containsExactly("path", "count", "share");
    assertThat(progress.toString(StandardCharsets.UTF_8))
        .containsPattern("job \\w+: done, \\d+ rows read \\(100%\\)");
  }

  @Test
  void aHistoryQueryTheServerRefusesIsAnExceptionNamingTheField() {
    Clickstream cs = Clickstream.connect(api.baseUrl(), null);
    assertThatThrownBy(() -> cs.paths().after("search").depth(9).last("1h").run())
        .isInstanceOfSatisfying(
            ClickstreamException.class, e -> assertThat(e.field()).isEqualTo("depth"));
    assertThatThrownBy(() -> cs.timeline(null).last("1h").run())
        .isInstanceOfSatisfying(
            ClickstreamException.class, e -> assertThat(e.field()).isEqualTo("user"));
  }
}
