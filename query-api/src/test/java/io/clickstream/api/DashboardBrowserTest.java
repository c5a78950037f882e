package io.clickstream.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.core.DimensionName;
import io.clickstream.core.EventTable;
import io.clickstream.core.RedisKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the dashboard's browser test ({@code web/e2e/dashboard.test.mjs}) against a real API on
 * seeded Redis. Node has no Redis client, so this side plays the pipeline: it keeps the heartbeat
 * fresh, adds a new event while the page is open, and records read positions as far behind as the
 * browser test asks through a file.
 */
class DashboardBrowserTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final String SEEDED_EVENT = "signup";
  private static final long SEEDED_TOTAL = 1234;
  private static final String NEW_EVENT = "newsletter:subscribe";
  private static final List<String> SOURCES =
      List.of("google", "newsletter", "partner:acme", "(none)");

  /**
   * A recorded property dimension, and the seeded event's values for it besides the missing one
   * (null).
   */
  private static final DimensionName PLAN = DimensionName.parse("properties.plan");

  private static final List<String> PLAN_VALUES =
      List.of("(none)", "<b>team</b>", "a:b*✓ " + "x".repeat(300));

  /** How far behind now the read positions are in each phase the browser test names. */
  private static final Map<String, Long> BEHIND_MILLIS =
      Map.of("behind", 120_000L, "halfway", 60_000L, "caught-up", 1_500L);

  /** Each bucket's share of the density: 16 buckets, 40 events per second of writes in all. */
  private static final String RATE_PER_BUCKET = "2.5";

  @Test
  void theDashboardShowsLiveCountsNewEventsAndHowFarBehindTheReadIsInARealBrowser(@TempDir Path dir)
      throws Exception {
    BrowserTests.requireTools();
    Path phase = dir.resolve("pipeline-phase");
    Instant now = Instant.now();
    seedEvent(SEEDED_EVENT, SEEDED_TOTAL, now);
    seedEvent("page_view", 98_765, now);
    seedEvent("add_to_cart", 4_321, now);
    seedMinutes(RedisKeys.METRIC_SESSIONS, now, 6);
    seedMinutes(RedisKeys.METRIC_MICRO, now, 3);
    seedMinutes(RedisKeys.METRIC_MACRO, now, 1);
    api.redis()
        .hset(
            RedisKeys.DIMENSIONS,
            Map.of(
                "source",
                "1",
                "partner",
                "1",
                "campaign",
                "1",
                PLAN.wireName(),
                String.valueOf(now.toEpochMilli())));
    seedPlans(RedisKeys.eventMetric(SEEDED_EVENT), now);

    ScheduledExecutorService pipeline = Executors.newSingleThreadScheduledExecutor();
    try {
      pipeline.scheduleAtFixedRate(
          () -> {
            heartbeat();
            recordReadPositions(phase);
          },
          0,
          1,
          TimeUnit.SECONDS);
      BrowserTests.Run node =
          BrowserTests.start(
              "web/e2e/dashboard.test.mjs",
              Map.of(
                  "DASHBOARD_URL", api.baseUrl() + "/",
                  "SEEDED_EVENT", SEEDED_EVENT,
                  "SEEDED_TOTAL", String.valueOf(SEEDED_TOTAL),
                  "NEW_EVENT", NEW_EVENT,
                  "PIPELINE_PHASE", phase.toString(),
                  "PROPERTY_DIMENSION", PLAN.wireName(),
                  "PROPERTY_VALUES", new ObjectMapper().writeValueAsString(PLAN_VALUES)));
      pipeline.schedule(() -> seedEvent(NEW_EVENT, 7, Instant.now()), 3, TimeUnit.SECONDS);
      node.await();
    } finally {
      pipeline.shutdownNow();
    }
  }

  /**
   * What the pipeline does for an event: catalog it, and count it for the last 30 minutes by
   * source.
   */
  private static void seedEvent(String name, long total, Instant now) {
    api.redis().hset(RedisKeys.CATALOG_TOTAL, name, String.valueOf(total));
    api.redis()
        .hset(
            RedisKeys.CATALOG_FIRST_SEEN,
            name,
            String.valueOf(now.minus(1, ChronoUnit.DAYS).toEpochMilli()));
    api.redis().hset(RedisKeys.CATALOG_LAST_SEEN, name, String.valueOf(now.toEpochMilli()));
    seedMinutes(RedisKeys.eventMetric(name), now, name.length());
  }

  /**
   * Counts over the last 30 minutes, by source and undivided, in a wave so that the chart has a
   * shape.
   */
  private static void seedMinutes(String metric, Instant now, int scale) {
    long nowMinute = now.getEpochSecond() / 60;
    for (int ago = 0; ago < 30; ago++) {
      long minute = nowMinute - ago;
      long all = 0;
      for (int s = 0; s < SOURCES.size(); s++) {
        long count =
            Math.round(scale * (SOURCES.size() - s) * (1.5 + Math.sin((minute + s) / 4.0)));
        api.redis().hincrBy(RedisKeys.counts(metric, "source", minute), SOURCES.get(s), count);
        all += count;
      }
      api.redis()
          .hincrBy(
              RedisKeys.counts(metric, RedisKeys.UNDIVIDED, minute), RedisKeys.FIELD_TOTAL, all);
    }
  }

  /**
   * Counts by {@link #PLAN} in the last minutes: the missing value (field {@code (none)}) and each
   * of {@link #PLAN_VALUES}.
   */
  private static void seedPlans(String metric, Instant now) {
    for (int ago = 0; ago < 5; ago++) {
      String key = RedisKeys.counts(metric, PLAN.keyPart(), now.getEpochSecond() / 60 - ago);
      api.redis().hincrBy(key, DimensionName.field(null), 5);
      PLAN_VALUES.forEach(value -> api.redis().hincrBy(key, DimensionName.field(value), 3));
    }
  }

  private static void heartbeat() {
    long now = System.currentTimeMillis();
    api.redis()
        .hset(
            RedisKeys.PIPELINE_STATUS,
            Map.of(
                "watermark_ms", String.valueOf(now - 3_000),
                "heartbeat_ms", String.valueOf(now),
                "runner", "DirectRunner"));
  }

  /**
   * What the readers record, as far behind as the phase the browser test wrote; nothing before it
   * wrote one.
   */
  private static void recordReadPositions(Path phaseFile) {
    String phase;
    try {
      phase = Files.readString(phaseFile).strip();
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Long behind = BEHIND_MILLIS.get(phase); // null while node is half-way through writing the file
    if (behind == null) {
      return;
    }
    String position = String.valueOf(System.currentTimeMillis() - behind);
    Map<String, String> positions = new HashMap<>();
    Map<String, String> rates = new HashMap<>();
    for (int bucket = 0; bucket < EventTable.SALT_BUCKETS; bucket++) {
      positions.put(String.valueOf(bucket), position);
      rates.put(String.valueOf(bucket), RATE_PER_BUCKET);
    }
    api.redis().hset(RedisKeys.READ_POSITIONS, positions);
    api.redis().hset(RedisKeys.READ_RATES, rates);
  }
}
