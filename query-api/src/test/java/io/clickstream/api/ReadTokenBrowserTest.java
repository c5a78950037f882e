package io.clickstream.api;

import io.clickstream.core.RedisKeys;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the browser test of the dashboard with a read token ({@code web/e2e/read-token.test.mjs})
 * against a real API whose reads need one, on seeded Redis.
 */
class ReadTokenBrowserTest {

  private static final String READ_TOKEN = "browser-read-token-0123456789";
  private static final String SEEDED_EVENT = "signup";

  @RegisterExtension static final ApiFixture api = ApiFixture.withReadToken(READ_TOKEN);

  @Test
  void theDashboardAsksForTheReadTokenOnceAndThenShowsTheCountsInARealBrowser() throws Exception {
    BrowserTests.requireTools();
    long now = System.currentTimeMillis();
    api.redis().hset(RedisKeys.CATALOG_TOTAL, SEEDED_EVENT, "42");
    api.redis().hset(RedisKeys.CATALOG_FIRST_SEEN, SEEDED_EVENT, String.valueOf(now - 60_000));
    api.redis().hset(RedisKeys.CATALOG_LAST_SEEN, SEEDED_EVENT, String.valueOf(now));
    api.redis()
        .hincrBy(
            RedisKeys.counts(
                RedisKeys.eventMetric(SEEDED_EVENT), RedisKeys.UNDIVIDED, now / 60_000 - 1),
            RedisKeys.FIELD_TOTAL,
            42);

    BrowserTests.start(
            "web/e2e/read-token.test.mjs",
            Map.of(
                "DASHBOARD_URL", api.baseUrl() + "/",
                "READ_TOKEN", READ_TOKEN,
                "SEEDED_EVENT", SEEDED_EVENT))
        .await();
  }
}
