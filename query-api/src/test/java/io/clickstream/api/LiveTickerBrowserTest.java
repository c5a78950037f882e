package io.clickstream.api;

import io.clickstream.core.RedisKeys;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.params.XAddParams;

/**
 * Runs the browser test of the dashboard's live ticker ({@code web/e2e/live-ticker.test.mjs})
 * against a real API; this side plays the pipeline, adding an entry to the live stream every 200 ms
 * while the browser looks.
 */
class LiveTickerBrowserTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  @Test
  void theDashboardTickerShowsTheLiveEventsAndLinksToTheApiDocumentInARealBrowser()
      throws Exception {
    BrowserTests.requireTools();
    AtomicInteger next = new AtomicInteger();
    ScheduledExecutorService pipeline = Executors.newSingleThreadScheduledExecutor();
    pipeline.scheduleAtFixedRate(
        () -> {
          int n = next.getAndIncrement();
          api.redis()
              .xadd(
                  RedisKeys.LIVE_EVENTS,
                  XAddParams.xAddParams(),
                  Map.of(
                      "event",
                      "tick-" + n,
                      "ts",
                      Long.toString(System.currentTimeMillis()),
                      "user",
                      "user-" + n));
        },
        0,
        200,
        TimeUnit.MILLISECONDS);
    try {
      BrowserTests.start(
              "web/e2e/live-ticker.test.mjs", Map.of("DASHBOARD_URL", api.baseUrl() + "/"))
          .await();
    } finally {
      pipeline.shutdownNow();
    }
  }
}
