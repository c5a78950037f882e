package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelResultFields;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the notebook page's browser test ({@code web/e2e/notebook.test.mjs}) against a real API on
 * seeded Redis: the page creates a notebook, runs a cell of each live kind, saves it with the API
 * token and reopens it. This side plays the pipeline: it counts more of {@link #EVENT} when the
 * browser test asks through a file, so that a live cell has something new to draw.
 */
class NotebookBrowserTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final String EVENT = "search";
  private static final String FUNNEL = "signup";
  private static final List<String> SOURCES = List.of("google", "newsletter", "partner:acme");
  private static final int MINUTES = 30;

  /**
   * What the pipeline adds to {@link #EVENT} from google, in the range's last minute, when asked.
   */
  static final long LATER_COUNT = 500;

  @Test
  void aNotebookRunsEveryLiveKindDrawsTheApisNumbersAndReopensAsSavedInARealBrowser(
      @TempDir Path dir) throws Exception {
    BrowserTests.requireTools();
    assertThat(
            api.put(
                    "/api/funnels/" + FUNNEL,
                    "{\"name\":\"Signup\",\"steps\":[{\"event\":\"page_view\"},{\"event\":\"search\"},"
                        + "{\"event\":\"register\"}],\"breakdown\":[\"source\"]}")
                .status())
        .isEqualTo(201);
    long last = Instant.now().getEpochSecond() / 60;
    for (int ago = 0; ago < MINUTES; ago++) {
      seedMinute(last - ago, ago);
    }
    Instant from = Instant.ofEpochSecond((last - MINUTES + 1) * 60);
    Instant to = Instant.ofEpochSecond((last + 1) * 60);
    Path signal = dir.resolve("pipeline");
    ScheduledExecutorService pipeline = Executors.newSingleThreadScheduledExecutor();
    try {
      pipeline.scheduleWithFixedDelay(
          () -> countMoreWhenAsked(signal, last), 0, 200, TimeUnit.MILLISECONDS);
      BrowserTests.start(
              "web/e2e/notebook.test.mjs",
              Map.of(
                  "DASHBOARD_URL",
                  api.baseUrl() + "/",
                  "API_TOKEN",
                  ApiFixture.TOKEN,
                  "EVENT",
                  EVENT,
                  "FUNNEL_ID",
                  FUNNEL,
                  "FROM",
                  from.toString(),
                  "TO",
                  to.toString(),
                  "PIPELINE_SIGNAL",
                  signal.toString(),
                  "LATER_COUNT",
                  String.valueOf(LATER_COUNT)))
          .await();
    } finally {
      pipeline.shutdownNow();
    }
  }

  /**
   * A minute's counts of the event and of sessions by source, and the funnel's results, in a wave.
   */
  private static void seedMinute(long minute, int ago) {
    String iso = Instant.ofEpochSecond(minute * 60).toString();
    for (int s = 0; s < SOURCES.size(); s++) {
      long searches = (SOURCES.size() - s) * (3L + Math.floorMod(minute + s, 5));
      api.count(RedisKeys.eventMetric(EVENT), "source", SOURCES.get(s), iso, searches);
      api.count(RedisKeys.eventMetric(EVENT), iso, searches);
      api.count(RedisKeys.METRIC_SESSIONS, "source", SOURCES.get(s), iso, searches / 2 + 1);
      api.count(RedisKeys.METRIC_SESSIONS, iso, searches / 2 + 1);
    }
    String results = RedisKeys.funnelResults(FUNNEL, 1, minute);
    long entered = 20 + ago % 7;
    long[] reached = {entered, entered * 3 / 5, entered / 4};
    for (int j = 0; j < reached.length; j++) {
      api.redis().hincrBy(results, FunnelResultFields.reached(j + 1), reached[j]);
    }
    api.redis().hincrBy(results, FunnelResultFields.DROPPED, reached[0] - reached[2]);
  }

  /** Once the browser test has written the signal file: more searches from google, once. */
  private static void countMoreWhenAsked(Path signal, long lastMinute) {
    try {
      if (Files.exists(signal) && Files.readString(signal).equals("count-more")) {
        String iso =
            Instant.ofEpochSecond(lastMinute * 60).truncatedTo(ChronoUnit.MINUTES).toString();
        api.count(RedisKeys.eventMetric(EVENT), "source", SOURCES.get(0), iso, LATER_COUNT);
        api.count(RedisKeys.eventMetric(EVENT), iso, LATER_COUNT);
        Files.writeString(signal, "counted");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
