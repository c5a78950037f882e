package io.clickstream.api;

import io.clickstream.core.RedisKeys;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.SharedMiniHBase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the notebook's browser test of the history kinds ({@code web/e2e/notebook-history.test.mjs})
 * against a real API whose history jobs read generated journeys from a real HBase mini cluster, and
 * whose Redis holds counts of {@link #COUNTED} by source, for a live chart to drill down from.
 */
class NotebookHistoryBrowserTest {

  @RegisterExtension
  static final ApiFixture api = ApiFixture.withHistory(SharedMiniHBase.zkQuorum(), 100_000);

  /** An event the journeys hold, with live counts by these sources in the range's first minute. */
  private static final String COUNTED = "register";

  private static final Map<String, Long> COUNTED_BY_SOURCE = Map.of("google", 7L, "newsletter", 3L);

  @Test
  void aNotebookRunsEachHistoryKindAsAJobDrawsTheApisAnswerCancelsOneAndDrillsDownFromCharts()
      throws Exception {
    BrowserTests.requireTools();
    Instant base = Instant.now().minus(Duration.ofHours(3));
    SharedMiniHBase.resetEventsTable();
    EventsTable.writeAsIfLive(
        new JourneyGenerator(11).batch(120, base, Duration.ofMinutes(20)), Duration.ofSeconds(1));
    String minute = base.truncatedTo(ChronoUnit.MINUTES).toString();
    COUNTED_BY_SOURCE.forEach(
        (source, count) -> {
          api.count(RedisKeys.eventMetric(COUNTED), "source", source, minute, count);
          api.count(RedisKeys.eventMetric(COUNTED), minute, count);
        });
    BrowserTests.start(
            "web/e2e/notebook-history.test.mjs",
            Map.of(
                "DASHBOARD_URL",
                api.baseUrl() + "/",
                "FROM",
                base.minus(Duration.ofMinutes(5)).toString(),
                "TO",
                base.plus(Duration.ofHours(2)).toString(),
                "COUNTED_EVENT",
                COUNTED,
                "COUNTED_SOURCE",
                "google"))
        .await();
  }
}
