package io.clickstream.api;

import io.clickstream.core.Dimension;
import io.clickstream.core.RedisKeys;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the dashboard's browser test ({@code web/e2e/dashboard.test.mjs}) against a real
 * API on seeded Redis. Node has no Redis client, so this side plays the pipeline: it keeps the heartbeat
 * fresh and adds a new event while the page is open.
 */
class DashboardBrowserTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final String SEEDED_EVENT = "signup";
  private static final long SEEDED_TOTAL = 1234;
  private static final String NEW_EVENT = "newsletter:subscribe";
  private static final List<String> SOURCES = List.of("google", "newsletter", "partner:acme", "(none)");

  @Test
  void theDashboardShowsLiveCountsAndPicksUpNewEventsInARealBrowser() throws Exception {
    BrowserTests.requireTools();
    Instant now = Instant.now();
    seedEvent(SEEDED_EVENT, SEEDED_TOTAL, now);
    seedEvent("page_view", 98_765, now);
    seedEvent("add_to_cart", 4_321, now);
    seedMinutes(RedisKeys.METRIC_SESSIONS, now, 6);
    seedMinutes(RedisKeys.METRIC_MICRO, now, 3);
    seedMinutes(RedisKeys.METRIC_MACRO, now, 1);

    ScheduledExecutorService pipeline = Executors.newSingleThreadScheduledExecutor();
    try {
      pipeline.scheduleAtFixedRate(DashboardBrowserTest::heartbeat, 0, 1, TimeUnit.SECONDS);
      BrowserTests.Run node = BrowserTests.start("web/e2e/dashboard.test.mjs", Map.of(
          "DASHBOARD_URL", api.baseUrl() + "/",
          "SEEDED_EVENT", SEEDED_EVENT,
          "SEEDED_TOTAL", String.valueOf(SEEDED_TOTAL),
          "NEW_EVENT", NEW_EVENT));
      pipeline.schedule(() -> seedEvent(NEW_EVENT, 7, Instant.now()), 3, TimeUnit.SECONDS);
      node.await();
    } finally {
      pipeline.shutdownNow();
    }
  }

  /** What the pipeline does for an event: catalog it, and count it for the last 30 minutes by source. */
  private static void seedEvent(String name, long total, Instant now) {
    api.redis().hset(RedisKeys.CATALOG_TOTAL, name, String.valueOf(total));
    api.redis().hset(RedisKeys.CATALOG_FIRST_SEEN, name, String.valueOf(now.minus(1, ChronoUnit.DAYS).toEpochMilli()));
    api.redis().hset(RedisKeys.CATALOG_LAST_SEEN, name, String.valueOf(now.toEpochMilli()));
    seedMinutes(RedisKeys.eventMetric(name), now, name.length());
  }

  /** Counts over the last 30 minutes, by source and undivided, in a wave so that the chart has a shape. */
  private static void seedMinutes(String metric, Instant now, int scale) {
    long nowMinute = now.getEpochSecond() / 60;
    for (int ago = 0; ago < 30; ago++) {
      long minute = nowMinute - ago;
      long all = 0;
      for (int s = 0; s < SOURCES.size(); s++) {
        long count = Math.round(scale * (SOURCES.size() - s) * (1.5 + Math.sin((minute + s) / 4.0)));
        api.redis().hincrBy(RedisKeys.counts(metric, Dimension.SOURCE.wireName(), minute), SOURCES.get(s), count);
        all += count;
      }
      api.redis().hincrBy(RedisKeys.counts(metric, RedisKeys.DIM_ALL, minute), RedisKeys.ALL, all);
    }
  }

  private static void heartbeat() {
    long now = System.currentTimeMillis();
    api.redis().hset(RedisKeys.PIPELINE_STATUS, Map.of(
        "watermark_ms", String.valueOf(now - 3_000),
        "heartbeat_ms", String.valueOf(now),
        "runner", "DirectRunner"));
  }
}
