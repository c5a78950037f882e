package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.core.DimensionName;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelResultFields;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs the funnel page's browser test ({@code web/e2e/funnel.test.mjs}) against a real API: the
 * funnel is defined through the real PUT with the token, and this side plays the pipeline, writing
 * results hashes for the last 30 minutes and more results while the page is open.
 */
class FunnelPageBrowserTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ID = "signup";
  private static final String DEFINITION =
      """
      {"id":"signup","name":"Signup","steps":[{"event":"page_view","where":{"page":"/landing"}},{"event":"search"},
       {"event":"register"},{"event":"checkout"}],"order":"sequential","scope":"session",
       "exclude":[{"event":"support_chat","after_step":2,"before_step":3}],"breakdown":["source","partner","campaign","properties.plan"]}
      """;
  private static final List<String> STEP_NAMES =
      List.of("page_view (page=/landing)", "search", "register", "checkout");

  /** Step-1 results per minute of each source, before the minute's wave. */
  private static final Map<String, Integer> SOURCES =
      orderedMap("google", 9, "newsletter", 5, "partner:acme", 3);

  private static final String LATER_SOURCE = "google";
  private static final long LATER_RESULTS = 25;

  /**
   * A breakdown dimension that is a property, with step-1 results for a missing value and a literal
   * "(none)".
   */
  private static final DimensionName PLAN = DimensionName.parse("properties.plan");

  private static final long MISSING_PLAN = 4;
  private static final long LITERAL_NONE_PLAN = 2;

  private final long[] totals = new long[STEP_NAMES.size()];
  private final Map<String, long[]> bySource = new LinkedHashMap<>();

  @Test
  void theFunnelPageShowsLiveStepsFlowTrendAndBreakdownInARealBrowser() throws Exception {
    BrowserTests.requireTools();
    assertThat(api.put("/api/funnels/" + ID, DEFINITION).status()).isEqualTo(201);
    long nowMinute = Instant.now().getEpochSecond() / 60;
    // Recorded by the pipeline: page is not in the funnel's breakdown.
    api.redis()
        .hset(
            RedisKeys.DIMENSIONS,
            Map.of(
                "source", "1", "partner", "1", "campaign", "1", "page", "1", PLAN.wireName(), "1"));
    String minute = RedisKeys.funnelResults(ID, 1, nowMinute);
    api.redis()
        .hincrBy(
            minute, FunnelResultFields.reachedBy(PLAN, 1, DimensionName.field(null)), MISSING_PLAN);
    api.redis()
        .hincrBy(
            minute,
            FunnelResultFields.reachedBy(PLAN, 1, DimensionName.field("(none)")),
            LITERAL_NONE_PLAN);
    for (int ago = 0; ago < 30; ago++) {
      seedMinute(nowMinute - ago, ago);
    }
    long[] later = bySource.get(LATER_SOURCE);
    Map<String, long[]> finalBySource = new LinkedHashMap<>(bySource);
    long[] laterCounts = Arrays.copyOf(later, later.length);
    laterCounts[0] += LATER_RESULTS;
    finalBySource.put(LATER_SOURCE, laterCounts);

    ScheduledExecutorService pipeline = Executors.newSingleThreadScheduledExecutor();
    try {
      BrowserTests.Run node =
          BrowserTests.start(
              "web/e2e/funnel.test.mjs",
              Map.of(
                  "DASHBOARD_URL", api.baseUrl() + "/",
                  "FUNNEL_ID", ID,
                  "STEP_NAMES", JSON.writeValueAsString(STEP_NAMES),
                  "EXPECTED_COUNTS", JSON.writeValueAsString(totals),
                  "LATER_STEP1", String.valueOf(totals[0] + LATER_RESULTS),
                  "EXPECTED_SOURCES", JSON.writeValueAsString(finalBySource),
                  "PROPERTY_DIMENSION", PLAN.wireName(),
                  "PROPERTY_NONE_COUNTS",
                      JSON.writeValueAsString(List.of(MISSING_PLAN, LITERAL_NONE_PLAN))));
      // Late enough for the page to have shown the first counts, which the test checks first.
      pipeline.schedule(FunnelPageBrowserTest::seedLaterResults, 10, TimeUnit.SECONDS);
      node.await();
    } finally {
      pipeline.shutdownNow();
    }
  }

  /** One minute of results, as the pipeline writes them: a wave so that the trend has a shape. */
  private void seedMinute(long minute, int ago) {
    String key = RedisKeys.funnelResults(ID, 1, minute);
    long[] reached = new long[STEP_NAMES.size()];
    SOURCES.forEach(
        (source, base) -> {
          long[] counts = new long[STEP_NAMES.size()];
          counts[0] = base * (2 + Math.floorMod(minute, 4));
          counts[1] = counts[0] * 3 / 5;
          counts[2] = counts[1] * (ago % 3 == 0 ? 3 : 2) / 4;
          counts[3] = counts[2] * 2 / 3;
          for (int j = 0; j < counts.length; j++) {
            if (counts[j] > 0) {
              api.redis()
                  .hincrBy(
                      key,
                      FunnelResultFields.reachedBy(DimensionName.parse("source"), j + 1, source),
                      counts[j]);
            }
            reached[j] += counts[j];
          }
          long[] sum = bySource.computeIfAbsent(source, s -> new long[STEP_NAMES.size()]);
          Arrays.setAll(sum, j -> sum[j] + counts[j]);
        });
    for (int j = 0; j < reached.length; j++) {
      api.redis().hincrBy(key, FunnelResultFields.reached(j + 1), reached[j]);
      totals[j] += reached[j];
      if (j > 0 && reached[j] > 0) {
        api.redis()
            .hincrBy(key, FunnelResultFields.secondsToStep(j + 1, 20L * j + ago), reached[j]);
      }
    }
    long left = reached[0] - reached[reached.length - 1];
    // Sessions that started in the last few minutes may still be open; older ones have closed.
    api.redis()
        .hincrBy(key, ago < 3 ? FunnelResultFields.IN_PROGRESS : FunnelResultFields.DROPPED, left);
  }

  private static void seedLaterResults() {
    String key = RedisKeys.funnelResults(ID, 1, Instant.now().getEpochSecond() / 60);
    api.redis().hincrBy(key, FunnelResultFields.reached(1), LATER_RESULTS);
    api.redis()
        .hincrBy(
            key,
            FunnelResultFields.reachedBy(DimensionName.parse("source"), 1, LATER_SOURCE),
            LATER_RESULTS);
    api.redis().hincrBy(key, FunnelResultFields.IN_PROGRESS, LATER_RESULTS);
  }

  private static Map<String, Integer> orderedMap(
      String k1, int v1, String k2, int v2, String k3, int v3) {
    Map<String, Integer> map = new LinkedHashMap<>();
    map.put(k1, v1);
    map.put(k2, v2);
    map.put(k3, v3);
    return map;
  }
}
