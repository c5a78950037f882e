package io.clickstream.api;

import io.clickstream.core.RedisKeys;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the browser test of the dashboard's view controls and URL state ({@code
 * web/e2e/dashboard-view.test.mjs}) against a real API on Redis seeded with two events' counts of
 * the last 30 minutes, by source and by partner.
 */
class DashboardViewBrowserTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final String EVENT = "search";
  private static final String OTHER_EVENT = "checkout";
  private static final Map<String, List<String>> VALUES =
      Map.of(
          "source", List.of("google", "newsletter"), "partner", List.of("lexpartners", "legalhub"));

  @Test
  void theDashboardShowsTheViewItsUrlNamesKeepsItInTheUrlAndOpensAChartInTheNotebook()
      throws Exception {
    BrowserTests.requireTools();
    long now = Instant.now().getEpochSecond() / 60;
    for (String name : List.of(EVENT, OTHER_EVENT)) {
      api.redis().hset(RedisKeys.CATALOG_TOTAL, name, "1000");
      api.redis().hset(RedisKeys.CATALOG_FIRST_SEEN, name, String.valueOf((now - 60) * 60_000));
      api.redis().hset(RedisKeys.CATALOG_LAST_SEEN, name, String.valueOf(now * 60_000));
      for (int ago = 0; ago < 30; ago++) {
        String minute = Instant.ofEpochSecond((now - ago) * 60).toString();
        long all = 0;
        for (int v = 0; v < 2; v++) {
          long count = 2 + (ago + v) % 4;
          for (Map.Entry<String, List<String>> dimension : VALUES.entrySet()) {
            api.count(
                RedisKeys.eventMetric(name),
                dimension.getKey(),
                dimension.getValue().get(v),
                minute,
                count);
          }
          all += count;
        }
        api.count(RedisKeys.eventMetric(name), minute, all);
      }
    }
    BrowserTests.start(
            "web/e2e/dashboard-view.test.mjs",
            Map.of(
                "DASHBOARD_URL",
                api.baseUrl() + "/",
                "EVENT",
                EVENT,
                "OTHER_EVENT",
                OTHER_EVENT,
                "FILTER",
                "ear"))
        .await();
  }
}
