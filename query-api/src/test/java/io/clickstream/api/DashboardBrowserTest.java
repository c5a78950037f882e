package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.clickstream.core.Dimension;
import io.clickstream.core.RedisKeys;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Runs the dashboard's browser test ({@code web/e2e/}, node's test runner driving Chromium) against a real
 * API on seeded Redis. Node has no Redis client, so this side plays the pipeline: it keeps the heartbeat
 * fresh and adds a new event while the page is open.
 */
class DashboardBrowserTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final Path REPO = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
      .toAbsolutePath().getParent();
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final String SEEDED_EVENT = "signup";
  private static final long SEEDED_TOTAL = 1234;
  private static final String NEW_EVENT = "newsletter:subscribe";
  private static final List<String> SOURCES = List.of("google", "newsletter", "partner:acme", "(none)");

  @Test
  void theDashboardShowsLiveCountsAndPicksUpNewEventsInARealBrowser() throws Exception {
    requireTools();
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
      ProcessBuilder command = new ProcessBuilder("node", "--test", "--test-reporter=tap", "web/e2e/")
          .directory(REPO.toFile())
          .redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      command.environment().putAll(Map.of(
          "DASHBOARD_URL", api.baseUrl() + "/",
          "SEEDED_EVENT", SEEDED_EVENT,
          "SEEDED_TOTAL", String.valueOf(SEEDED_TOTAL),
          "NEW_EVENT", NEW_EVENT));
      Process node = command.start();
      pipeline.schedule(() -> seedEvent(NEW_EVENT, 7, Instant.now()), 3, TimeUnit.SECONDS);
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> copy(node.getInputStream(), output));
      reader.start();
      if (!node.waitFor(120, TimeUnit.SECONDS)) {
        node.destroyForcibly();
        reader.join(5_000);
        fail("node --test web/e2e/ took over 120 s:\n" + output.toString(StandardCharsets.UTF_8));
      }
      reader.join(5_000);
      String tap = output.toString(StandardCharsets.UTF_8);
      // Kept in the surefire report, to see what the browser test did even when it passed.
      System.out.println(tap);
      assertThat(node.exitValue()).as("node --test web/e2e/ output:\n%s", tap).isZero();
      assertThat(tap).as("node ran no test:\n%s", tap).containsPattern("(?m)^# pass [1-9]");
    } finally {
      pipeline.shutdownNow();
    }
  }

  /** Fails, never skips, without the tools: a browser test that silently does not run proves nothing. */
  private static void requireTools() throws InterruptedException {
    if (!Files.isExecutable(CHROMIUM)) {
      fail(CHROMIUM + " is missing: apt-get install chromium nodejs npm");
    }
    try {
      if (new ProcessBuilder("node", "--version").start().waitFor() != 0) {
        fail("node does not run: apt-get install chromium nodejs npm");
      }
    } catch (IOException e) {
      fail("node is not on the PATH: apt-get install chromium nodejs npm");
    }
    if (!Files.isDirectory(REPO.resolve("web/node_modules/playwright-core"))) {
      fail("web/node_modules/playwright-core is missing: npm ci --prefix web");
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

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
