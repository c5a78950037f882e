package io.clickstream.pipeline;

import static io.clickstream.pipeline.TestEvents.event;
import static io.clickstream.pipeline.TestEvents.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.Dimensions;
import io.clickstream.core.Event;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.SessionOrder;
import io.clickstream.pipeline.testing.SharedRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

class LiveEventSampleTest {

  private static final long RETENTION = Duration.ofDays(365 * 100).toMillis();

  private JedisPooled redis;
  private ContributionStore store;

  @BeforeEach
  void freshRedis() {
    redis = SharedRedis.flushed();
    store =
        new ContributionStore(
            SharedRedis.url(),
            RETENTION,
            WriteSessionContributions.DEFAULT_MAX_DIMENSION_VALUES,
            WriteSessionContributions.DEFAULT_MAX_EVENT_NAMES);
  }

  @AfterEach
  void close() {
    store.close();
    redis.close();
  }

  @Test
  void aWrittenSessionAddsItsNewestEventAndARetryAddsNothing() {
    Contribution firing =
        session(
            event("e1", "u1", "page_view", minutes(0), "google"),
            event("e2", "u1", "search", minutes(2), "google"),
            event("e3", "u1", "register", minutes(1), "google"));

    store.apply(List.of(firing));
    store.apply(List.of(firing));

    List<StreamEntry> entries = entries();
    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).getFields())
        .isEqualTo(
            Map.of(
                "event",
                "search",
                "user",
                "u1",
                "ts",
                Long.toString(TestEvents.BASE.plus(minutes(2)).getMillis())));
  }

  @Test
  void aCallOfManySessionsAddsAtMostItsSampleSpreadOverThem() {
    // 30 one-event sessions are about 630 count fields: one script call (ContributionStore cuts
    // calls at 1,000 fields; each call has a sample of its own).
    List<Contribution> batch = new ArrayList<>();
    for (int u = 0; u < 30; u++) {
      batch.add(session(event("e" + u, "u" + u, "page_view", minutes(0), "google")));
    }

    store.apply(batch);

    List<StreamEntry> entries = entries();
    assertThat(entries).hasSize(LiveEventSample.PER_CALL);
    assertThat(entries.stream().map(e -> e.getFields().get("user")).distinct())
        .as("every third session, not the first ten")
        .containsExactly("u0", "u3", "u6", "u9", "u12", "u15", "u18", "u21", "u24", "u27");
  }

  @Test
  void theStreamStaysCappedHoweverMuchIsWritten() {
    int calls = (RedisKeys.LIVE_EVENTS_MAX_LENGTH / LiveEventSample.PER_CALL) * 3 / 2;
    for (int c = 0; c < calls; c++) {
      List<Contribution> call = new ArrayList<>();
      for (int u = 0; u < LiveEventSample.PER_CALL; u++) {
        String user = "u" + c + "-" + u;
        call.add(session(event(user, user, "page_view", minutes(0), "google")));
      }
      store.apply(call);
    }

    long written = (long) calls * LiveEventSample.PER_CALL;
    assertThat(written).isGreaterThan(RedisKeys.LIVE_EVENTS_MAX_LENGTH);
    // MAXLEN ~ trims whole nodes of the stream (100 entries by default), so it may keep a few more.
    assertThat(redis.xlen(RedisKeys.LIVE_EVENTS))
        .isBetween(
            (long) RedisKeys.LIVE_EVENTS_MAX_LENGTH, RedisKeys.LIVE_EVENTS_MAX_LENGTH + 100L);
  }

  private List<StreamEntry> entries() {
    return redis.xrange(RedisKeys.LIVE_EVENTS, (StreamEntryID) null, (StreamEntryID) null);
  }

  private static Contribution session(Event... events) {
    List<Event> list = SessionOrder.distinctInOrder(List.of(events));
    long start = list.get(0).timestampMillis();
    long end = list.get(list.size() - 1).timestampMillis() + minutes(10).getMillis();
    return CountSessionEvents.contributionOf(
        Dimensions.DEFAULT.names(), list.get(0).userId(), start, end, false, false, list);
  }
}
