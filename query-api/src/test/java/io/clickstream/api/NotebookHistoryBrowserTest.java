package io.clickstream.api;

import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.SharedMiniHBase;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the notebook's browser test of the history kinds ({@code web/e2e/notebook-history.test.mjs})
 * against a real API whose history jobs read generated journeys from a real HBase mini cluster.
 */
class NotebookHistoryBrowserTest {

  @RegisterExtension
  static final ApiFixture api = ApiFixture.withHistory(SharedMiniHBase.zkQuorum(), 100_000);

  @Test
  void aNotebookRunsEachHistoryKindAsAJobDrawsTheApisAnswerAndCancelsOne() throws Exception {
    BrowserTests.requireTools();
    Instant base = Instant.now().minus(Duration.ofHours(3));
    SharedMiniHBase.resetEventsTable();
    EventsTable.writeAsIfLive(
        new JourneyGenerator(11).batch(120, base, Duration.ofMinutes(20)), Duration.ofSeconds(1));
    BrowserTests.start(
            "web/e2e/notebook-history.test.mjs",
            Map.of(
                "DASHBOARD_URL", api.baseUrl() + "/",
                "FROM", base.minus(Duration.ofMinutes(5)).toString(),
                "TO", base.plus(Duration.ofHours(2)).toString()))
        .await();
  }
}
