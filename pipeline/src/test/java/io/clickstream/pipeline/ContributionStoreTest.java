package io.clickstream.pipeline;

import static io.clickstream.pipeline.TestEvents.BASE;
import static io.clickstream.pipeline.TestEvents.event;
import static io.clickstream.pipeline.TestEvents.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.CountPeriod;
import io.clickstream.core.DimensionName;
import io.clickstream.core.Dimensions;
import io.clickstream.core.Event;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.SessionOrder;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import io.clickstream.pipeline.oracle.BatchOracle;
import io.clickstream.pipeline.oracle.CappedCounts;
import io.clickstream.pipeline.testing.RedisCounts;
import io.clickstream.pipeline.testing.RedisTime;
import io.clickstream.pipeline.testing.SharedRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

class ContributionStoreTest {

  /** Longer than the age of the test's events, so that their counts are kept. */
  private static final long RETENTION = Duration.ofDays(365 * 100).toMillis();

  /** Far above the values of the tests that are not about the cap. */
  private static final int DEFAULT_CAP = WriteSessionContributions.DEFAULT_MAX_DIMENSION_VALUES;

  /** Far above the event names of the tests that are not about their cap. */
  private static final int DEFAULT_NAMES = WriteSessionContributions.DEFAULT_MAX_EVENT_NAMES;

  /** An event name whose key segment is escaped: admission must match it exactly. */
  private static final String CART = "add:to*cart ✓";

  private JedisPooled redis;
  private ContributionStore store;

  @BeforeEach
  void freshRedis() {
    redis = SharedRedis.flushed();
    store = new ContributionStore(SharedRedis.url(), RETENTION, DEFAULT_CAP, DEFAULT_NAMES);
  }

  @AfterEach
  void close() {
    store.close();
    redis.close();
  }

  @Test
  void aRetriedFiringChangesNothing() {
    Contribution firing = session(false, event("e1", "u1", "page_view", minutes(0), "google"));

    assertThat(store.apply(List.of(firing))).isEqualTo(new ContributionStore.Outcome(1, 0));
    assertThat(store.apply(List.of(firing))).isEqualTo(new ContributionStore.Outcome(0, 1));

    assertThat(RedisCounts.all(redis)).isEqualTo(sum(firing));
  }

  @Test
  void aNewerFiringReplacesTheSessionsEarlierContribution() {
    Event e1 = event("e1", "u1", "page_view", minutes(0), "google");
    Event e2 = event("e2", "u1", "search", minutes(1), "google");

    store.apply(List.of(session(false, e1)));
    store.apply(List.of(session(false, e1, e2)));

    assertThat(RedisCounts.all(redis)).isEqualTo(sum(session(false, e1, e2)));
  }

  @Test
  void aStaleFiringArrivingAfterANewerOneIsIgnored() {
    Event e1 = event("e1", "u1", "page_view", minutes(0), "google");
    Event e2 = event("e2", "u1", "search", minutes(1), "google");

    store.apply(List.of(session(false, e1, e2), session(false, e1)));

    assertThat(RedisCounts.all(redis)).isEqualTo(sum(session(false, e1, e2)));
  }

  @Test
  void aMergedSessionRetractsBothSessionsItAbsorbed() {
    Event a = event("a", "u1", "page_view", minutes(0), "google");
    Event b = event("b", "u1", "checkout", minutes(15), "newsletter");
    Event bridge = event("bridge", "u1", "search", minutes(8), "direct");

    store.apply(List.of(session(false, a), session(false, b)));
    store.apply(List.of(session(false, a, b, bridge)));

    assertThat(RedisCounts.all(redis)).isEqualTo(sum(session(false, a, b, bridge)));
    assertThat(redis.zcard(RedisKeys.userSessions("u1", RedisKeys.NAMESPACE_EVENTS))).isEqualTo(1);
  }

  @Test
  void aLateEarlierEventMovesTheSessionToItsNewFirstTouch() {
    Event later = event("e5", "u1", "search", minutes(5), "google");
    Event earlier = event("e1", "u1", "page_view", minutes(1), "facebook");

    store.apply(List.of(session(false, later)));
    store.apply(List.of(session(false, later, earlier)));

    String sessionsBySource5 = RedisKeys.counts(RedisKeys.METRIC_SESSIONS, "source", minute(5));
    String sessionsBySource1 = RedisKeys.counts(RedisKeys.METRIC_SESSIONS, "source", minute(1));
    // The field stays at 0: it keeps google admitted to that minute (docs/redis-keys.md).
    assertThat(redis.hgetAll(sessionsBySource5)).isEqualTo(Map.of("google", "0"));
    assertThat(redis.hgetAll(sessionsBySource1)).isEqualTo(Map.of("facebook", "1"));
  }

  @Test
  void theFinalFiringKeepsTheCountsAndLeavesOnlyTheUsersSealedHorizon() {
    Event e1 = event("e1", "u1", "page_view", minutes(0), "google");
    Event e2 = event("e2", "u1", "search", minutes(1), "google");
    store.apply(List.of(session(false, e1, e2)));

    Contribution last = session(true, e1, e2);
    assertThat(store.apply(List.of(last))).isEqualTo(new ContributionStore.Outcome(1, 0));

    assertThat(RedisCounts.all(redis)).isEqualTo(sum(session(false, e1, e2)));
    assertThat(redis.keys(RedisKeys.PREFIX + "u:*")).containsExactly(RedisKeys.userSealed("u1"));
    assertThat(redis.hgetAll(RedisKeys.userSealed("u1")))
        .isEqualTo(Map.of(RedisKeys.NAMESPACE_EVENTS, Long.toString(last.endMillis())));
  }

  @Test
  void aReplayOfAFinishedSessionChangesNothingHoweverLongAfterItComes() {
    Event e1 = event("e1", "u1", "page_view", minutes(0), "google");
    Event e2 = event("e2", "u1", "search", minutes(1), "google");
    List<Contribution> firings =
        List.of(session(false, e1), session(false, e1, e2), session(true, e1, e2));
    store.apply(firings);
    Map<String, Long> once = RedisCounts.all(redis);

    RedisTime.advance(redis, Duration.ofDays(30));
    store.apply(firings);
    firings.forEach(firing -> store.apply(List.of(firing)));

    assertThat(RedisCounts.all(redis)).isEqualTo(once).isEqualTo(sum(session(false, e1, e2)));
  }

  @Test
  void aPartlyReplayedSessionsFinalFiringSealsItAndKeepsTheFullerCounts() {
    Event e1 = event("e1", "u1", "page_view", minutes(0), "google");
    Event e2 = event("e2", "u1", "search", minutes(5), "google");
    Event e3 = event("e3", "u1", "checkout", minutes(9), "google");
    store.apply(List.of(session(false, e1, e2, e3)));

    // After a restart the replay saw only the session's later events: it is stale, yet it is final.
    assertThat(store.apply(List.of(session(false, e2, e3), session(true, e2, e3))))
        .isEqualTo(new ContributionStore.Outcome(1, 1));

    assertThat(RedisCounts.all(redis)).isEqualTo(sum(session(false, e1, e2, e3)));
    assertThat(redis.keys(RedisKeys.PREFIX + "u:*")).containsExactly(RedisKeys.userSealed("u1"));
  }

  @Test
  void aMinutesCountsExpireTheRetentionAfterTheMinuteAndOlderOnesAreNotKept() {
    long retention = Duration.ofDays(400).toMillis();
    long now = System.currentTimeMillis();
    Event recent =
        new Event("r", "u1", "page_view", now, "google", null, null, null, null, Map.of());
    Event ancient =
        new Event(
            "a",
            "u2",
            "page_view",
            now - retention - Duration.ofDays(1).toMillis(),
            "google",
            null,
            null,
            null,
            null,
            Map.of());
    try (ContributionStore keeping =
        new ContributionStore(SharedRedis.url(), retention, DEFAULT_CAP, DEFAULT_NAMES)) {
      keeping.apply(List.of(session(false, recent), session(false, ancient)));
    }

    String recentKey =
        RedisKeys.counts(RedisKeys.eventMetric("page_view"), RedisKeys.UNDIVIDED, now / 60_000L);
    long expiresAt = (now / 60_000L + 1) * 60_000L + retention;
    assertThat(redis.pttl(recentKey))
        .isBetween(expiresAt - System.currentTimeMillis() - 5_000, expiresAt - now);
    long day = now / Duration.ofDays(1).toMillis();
    assertThat(redis.keys(RedisKeys.PREFIX + "cnt:*"))
        .allSatisfy(
            key ->
                assertThat(key)
                    .matches(".*:(" + now / 60_000L + "|h" + now / 3_600_000L + "|d" + day + ")"));
    String recentDay =
        RedisKeys.counts(
            RedisKeys.eventMetric("page_view"), RedisKeys.UNDIVIDED, CountPeriod.DAY, day);
    long dayExpiresAt = (day + 1) * Duration.ofDays(1).toMillis() + retention;
    assertThat(redis.pttl(recentDay))
        .isBetween(dayExpiresAt - System.currentTimeMillis() - 5_000, dayExpiresAt - now);
    assertThat(redis.pttl(RedisKeys.userSessions("u1", RedisKeys.NAMESPACE_EVENTS)))
        .isBetween(retention - 5_000, retention);
    assertThat(redis.hget(RedisKeys.CATALOG_TOTAL, "page_view")).isEqualTo("2");
  }

  @Test
  void theCatalogKeepsTheEarliestAndLatestSightingOfEachName() {
    store.apply(List.of(session(false, event("e1", "u1", "page_view", minutes(3), "google"))));
    store.apply(List.of(session(false, event("e2", "u2", "page_view", minutes(1), "google"))));
    store.apply(List.of(session(false, event("e3", "u3", "page_view", minutes(7), "google"))));

    assertThat(redis.hget(RedisKeys.CATALOG_FIRST_SEEN, "page_view"))
        .isEqualTo(Long.toString(BASE.plus(minutes(1)).getMillis()));
    assertThat(redis.hget(RedisKeys.CATALOG_LAST_SEEN, "page_view"))
        .isEqualTo(Long.toString(BASE.plus(minutes(7)).getMillis()));
    assertThat(redis.hget(RedisKeys.CATALOG_TOTAL, "page_view")).isEqualTo("3");
  }

  @Test
  void aBatchLeavesRedisAsOneCallPerContributionWouldInTheSameOrder() {
    Event a = event("a", "u1", "page_view", minutes(0), "google");
    Event b = event("b", "u1", "checkout", minutes(15), "newsletter");
    Event bridge = event("bridge", "u1", "search", minutes(8), "direct");
    Event c = event("c", "u2", "page_view", minutes(0), "google");
    Event d = event("d", "u2", "search", minutes(2), "bing");
    List<Contribution> firings =
        List.of(
            session(false, a),
            session(false, b),
            session(false, c),
            session(false, c, d),
            session(false, c),
            session(false, a, b, bridge),
            session(false, a, b, bridge),
            session(true, c, d),
            session(false, c));

    ContributionStore.Outcome outcome = appliedAsABatchAsOneCallEach(store, firings);

    assertThat(outcome).isEqualTo(new ContributionStore.Outcome(6, 3));
  }

  @Test
  void aLargeBatchIsAppliedInCallsOfBoundedWorkThatLeaveWhatOneCallEachWould() {
    List<Contribution> firings = new ArrayList<>();
    for (int u = 0; u < 200; u++) {
      firings.add(
          session(
              false,
              event("a" + u, "u" + u, "page_view", minutes(u % 7), "s" + u % 5),
              event("b" + u, "u" + u, "search", minutes(u % 7 + 1), "s" + u % 3)));
    }

    List<List<Contribution>> calls = ContributionStore.calls(firings);
    ContributionStore.Outcome outcome = appliedAsABatchAsOneCallEach(store, firings);

    assertThat(calls).hasSizeGreaterThan(1);
    assertThat(calls.stream().flatMap(List::stream).toList()).isEqualTo(firings);
    assertThat(calls)
        .allSatisfy(
            call ->
                assertThat(call.stream().mapToInt(c -> c.counts().size()).sum())
                    .isLessThanOrEqualTo(ContributionStore.FIELDS_PER_CALL));
    assertThat(outcome).isEqualTo(new ContributionStore.Outcome(200, 0));
  }

  @Test
  void fiveValuesInAMinuteUnderACapOfThreeFillThreeFieldsAndCountTheRestAsOther() {
    try (ContributionStore capped =
        new ContributionStore(SharedRedis.url(), RETENTION, 3, DEFAULT_NAMES)) {
      for (String source : List.of("a", "b", "c", "d", "e")) {
        capped.apply(
            List.of(session(false, event(source, "u-" + source, "page_view", minutes(0), source))));
      }
    }

    assertThat(redis.hgetAll(RedisKeys.counts(RedisKeys.METRIC_SESSIONS, "source", minute(0))))
        .isEqualTo(Map.of("a", "1", "b", "1", "c", "1", DimensionName.OTHER, "2"));
    assertThat(redis.hgetAll(RedisKeys.counts(RedisKeys.METRIC_SESSIONS, "partner", minute(0))))
        .as("missing values are not capped")
        .isEqualTo(Map.of(DimensionName.NONE, "5"));
    assertThat(
            redis.hgetAll(
                RedisKeys.counts(RedisKeys.METRIC_SESSIONS, RedisKeys.UNDIVIDED, minute(0))))
        .isEqualTo(Map.of(RedisKeys.FIELD_TOTAL, "5"));
  }

  @Test
  void aReplacedContributionIsSubtractedFromTheFieldsItWentToInABatchAsOneCallEach() {
    var halfPast = minutes(0).plus(30_000);
    Event a = event("a", "ua", "page_view", halfPast, "a");
    Event b = event("b", "ub", "page_view", halfPast, "b");
    Event c = event("c", "uc", "page_view", halfPast, "c");
    Event d = event("d", "ud", "page_view", halfPast, "d");
    Event dLater = event("d2", "ud", "search", halfPast.plus(1_000), "d");
    // An earlier event of ua's session, in the same minute, moves its first touch from a to f.
    Event fEarlier = event("f", "ua", "search", minutes(0), "f");
    List<Contribution> firings =
        List.of(
            session(false, a),
            session(false, b),
            session(false, c),
            session(false, d),
            session(false, d, dLater),
            session(false, a, fEarlier));

    try (ContributionStore capped =
        new ContributionStore(SharedRedis.url(), RETENTION, 3, DEFAULT_NAMES)) {
      appliedAsABatchAsOneCallEach(capped, firings);
    }

    // a keeps its field at 0, so the hash stays full and f, arriving after d, is counted as other.
    assertThat(redis.hgetAll(RedisKeys.counts(RedisKeys.METRIC_SESSIONS, "source", minute(0))))
        .isEqualTo(Map.of("a", "0", "b", "1", "c", "1", DimensionName.OTHER, "2"));
    assertThat(
            CappedCounts.mismatches(
                sum(
                    session(false, b),
                    session(false, c),
                    session(false, d, dLater),
                    session(false, a, fEarlier)),
                RedisCounts.withZeros(redis),
                3))
        .isEmpty();
  }

  @Test
  void anHoursRollupIsTheSumOfItsMinutesAndAReplacementSubtractsFromIt() {
    Event first = event("e1", "u1", "page_view", minutes(1), "google");
    Event second = event("e2", "u1", "search", minutes(20), "google");
    Event other = event("e3", "u2", "page_view", minutes(40), "bing");

    store.apply(List.of(session(false, first), session(false, other)));
    store.apply(List.of(session(false, first, second)));

    long hour = CountPeriod.HOUR.indexOf(minute(1));
    assertThat(hour).isEqualTo(CountPeriod.HOUR.indexOf(minute(40)));
    assertThat(
            redis.hgetAll(
                RedisKeys.counts(
                    RedisKeys.eventMetric("page_view"), "source", CountPeriod.HOUR, hour)))
        .isEqualTo(Map.of("google", "1", "bing", "1"));
    assertThat(
            redis.hgetAll(
                RedisKeys.counts(
                    RedisKeys.METRIC_SESSIONS,
                    "source",
                    CountPeriod.DAY,
                    CountPeriod.DAY.indexOf(minute(1)))))
        .isEqualTo(Map.of("google", "1", "bing", "1"));
    assertThat(RedisCounts.all(redis))
        .isEqualTo(sum(session(false, first, second), session(false, other)));
  }

  @Test
  void anHourAdmitsValuesUnderTheCapByItsOwnFieldsNotByItsMinutes() {
    try (ContributionStore capped =
        new ContributionStore(SharedRedis.url(), RETENTION, 2, DEFAULT_NAMES)) {
      int minute = 0;
      for (String source : List.of("a", "b", "c")) {
        capped.apply(
            List.of(
                session(
                    false, event(source, "u-" + source, "page_view", minutes(minute++), source))));
      }
    }

    // Each minute holds one value, under the cap; the hour holds three, over it.
    assertThat(redis.hgetAll(RedisKeys.counts(RedisKeys.METRIC_SESSIONS, "source", minute(2))))
        .isEqualTo(Map.of("c", "1"));
    assertThat(
            redis.hgetAll(
                RedisKeys.counts(
                    RedisKeys.METRIC_SESSIONS,
                    "source",
                    CountPeriod.HOUR,
                    CountPeriod.HOUR.indexOf(minute(0)))))
        .isEqualTo(Map.of("a", "1", "b", "1", DimensionName.OTHER, "1"));
  }

  @Test
  void aValueAnHourRefusedStaysUnderOtherThereWhenItsSessionGrowsEvenUnderAHigherCap() {
    Event c = event("c", "u-c", "page_view", minutes(2), "c");
    try (ContributionStore capped =
        new ContributionStore(SharedRedis.url(), RETENTION, 2, DEFAULT_NAMES)) {
      capped.apply(
          List.of(
              session(false, event("a", "u-a", "page_view", minutes(0), "a")),
              session(false, event("b", "u-b", "page_view", minutes(1), "b")),
              session(false, c)));
    }
    try (ContributionStore raised =
        new ContributionStore(SharedRedis.url(), RETENTION, 5, DEFAULT_NAMES)) {
      raised.apply(List.of(session(false, c, event("c2", "u-c", "page_view", minutes(3), "c"))));
      raised.apply(List.of(session(false, event("d", "u-d", "page_view", minutes(4), "d"))));
    }

    // c's count in the hour went to (other) when the hour was full; the hour admits no value while
    // (other) holds one, so its later changes go there too, and d as well.
    assertThat(
            redis.hgetAll(
                RedisKeys.counts(
                    RedisKeys.eventMetric("page_view"),
                    "source",
                    CountPeriod.HOUR,
                    CountPeriod.HOUR.indexOf(minute(0)))))
        .isEqualTo(Map.of("a", "1", "b", "1", DimensionName.OTHER, "3"));
    assertThat(
            redis.hgetAll(
                RedisKeys.counts(RedisKeys.eventMetric("page_view"), "source", minute(3))))
        .isEqualTo(Map.of("c", "1"));
  }

  @Test
  void aLiteralOtherValueIsCountedApartFromTheValuesOverTheCap() {
    List<Contribution> firings = new ArrayList<>();
    for (String source : List.of(DimensionName.OTHER, "a", "b", "c", "d")) {
      firings.add(
          session(false, event("e-" + source, "u-" + source, "page_view", minutes(0), source)));
    }
    try (ContributionStore capped =
        new ContributionStore(SharedRedis.url(), RETENTION, 3, DEFAULT_NAMES)) {
      capped.apply(firings);
    }

    assertThat(redis.hgetAll(RedisKeys.counts(RedisKeys.METRIC_SESSIONS, "source", minute(0))))
        .isEqualTo(Map.of("\\(other)", "1", "a", "1", "b", "1", DimensionName.OTHER, "2"));
  }

  @Test
  void aFunnelsBreakdownValuesOverTheCapAreCountedAsOtherAtEveryStepAndRetractedFromThere() {
    FunnelDefinition f =
        FunnelDefinitions.parse(
                "{\"steps\":[{\"event\":\"page_view\"},{\"event\":\"search\"}],"
                    + "\"breakdown\":[\"source\",\"partner\"]}",
                "f")
            .withVersion(1, 0);
    var halfPast = minutes(0).plus(30_000);
    List<Contribution> firings = new ArrayList<>();
    for (String source : List.of("a", "b", "c", "d", "e")) {
      firings.add(
          funnelSession(
              f,
              event(source + "1", "u-" + source, "page_view", halfPast, source),
              event(source + "2", "u-" + source, "search", halfPast.plus(1_000), source)));
    }
    // An earlier event of e's session, in the same minute, moves its first touch from e to a.
    firings.add(
        funnelSession(
            f,
            event("e0", "u-e", "page_view", minutes(0), "a"),
            event("e1", "u-e", "page_view", halfPast, "e"),
            event("e2", "u-e", "search", halfPast.plus(1_000), "e")));

    try (ContributionStore capped =
        new ContributionStore(SharedRedis.url(), RETENTION, 3, DEFAULT_NAMES)) {
      capped.apply(firings);
    }

    Map<String, String> results = redis.hgetAll(RedisKeys.funnelResults("f", 1, minute(0)));
    Map<String, String> bySource = new TreeMap<>();
    results.forEach(
        (field, n) -> {
          if (field.startsWith("by:source:")) {
            bySource.put(field, n);
          }
        });
    assertThat(bySource)
        .isEqualTo(
            Map.of(
                "by:source:1:a",
                "2",
                "by:source:1:b",
                "1",
                "by:source:1:c",
                "1",
                "by:source:1:" + DimensionName.OTHER,
                "1",
                "by:source:2:a",
                "2",
                "by:source:2:b",
                "1",
                "by:source:2:c",
                "1",
                "by:source:2:" + DimensionName.OTHER,
                "1"));
    assertThat(results)
        .as("a missing value is not capped")
        .containsEntry("by:partner:1:" + DimensionName.NONE, "5")
        .containsEntry("reached:1", "5")
        .containsEntry("reached:2", "5");
  }

  @Test
  void aThirdEventNameUnderACapOfTwoIsCountedAsOtherEventsAndTheCatalogKeepsTwoNames() {
    try (ContributionStore capped = new ContributionStore(SharedRedis.url(), RETENTION, 3, 2)) {
      capped.apply(List.of(session(false, event("a", "ua", "page_view", minutes(0), "google"))));
      capped.apply(List.of(session(false, event("b", "ub", "search", minutes(0), "google"))));
      capped.apply(List.of(session(false, event("c", "uc", "checkout", minutes(1), "bing"))));
    }

    assertThat(redis.keys(RedisKeys.PREFIX + "cnt:" + RedisKeys.eventMetric("checkout") + ":*"))
        .isEmpty();
    assertThat(
            redis.hgetAll(
                RedisKeys.counts(RedisKeys.METRIC_OTHER_EVENTS, RedisKeys.UNDIVIDED, minute(1))))
        .isEqualTo(Map.of(RedisKeys.FIELD_TOTAL, "1"));
    assertThat(redis.hgetAll(RedisKeys.counts(RedisKeys.METRIC_OTHER_EVENTS, "source", minute(1))))
        .isEqualTo(Map.of("bing", "1"));
    assertThat(redis.hgetAll(RedisKeys.CATALOG_TOTAL))
        .isEqualTo(Map.of("page_view", "1", "search", "1", RedisKeys.CATALOG_OTHER_EVENTS, "1"));
    assertThat(redis.hgetAll(RedisKeys.CATALOG_FIRST_SEEN))
        .containsOnlyKeys("page_view", "search", RedisKeys.CATALOG_OTHER_EVENTS)
        .containsEntry(
            RedisKeys.CATALOG_OTHER_EVENTS, Long.toString(BASE.plus(minutes(1)).getMillis()));
    assertThat(
            redis.hgetAll(
                RedisKeys.counts(RedisKeys.METRIC_SESSIONS, RedisKeys.UNDIVIDED, minute(0))))
        .as("sessions are counted whatever their events are named")
        .isEqualTo(Map.of(RedisKeys.FIELD_TOTAL, "2"));
  }

  @Test
  void aReplacedSessionWithARefusedNameIsSubtractedFromOtherEventsExactlyInABatchAsOneCallEach() {
    Event a = event("a", "ua", "page_view", minutes(0), "google");
    Event b = event("b", "ub", "search", minutes(0), "google");
    Event c = event("c", "uc", "checkout", minutes(0), "google");
    Event cLater = event("c2", "uc", "register", minutes(1), "bing");
    Event d = event("d", "ud", "page_view", minutes(2), "google");
    Event dPromo = event("d2", "ud", "promo:✓", minutes(2), "google");
    List<Contribution> firings =
        List.of(
            session(false, a),
            session(false, b),
            session(false, c),
            session(false, c, cLater),
            session(false, d),
            session(false, d, dPromo),
            session(true, d, dPromo));

    try (ContributionStore capped = new ContributionStore(SharedRedis.url(), RETENTION, 3, 2)) {
      appliedAsABatchAsOneCallEach(capped, firings);
    }

    assertThat(RedisCounts.withZeros(redis))
        .allSatisfy((field, n) -> assertThat(n).isNotNegative());
    assertThat(RedisCounts.all(redis))
        .isEqualTo(
            BatchOracle.countsWithEventNamesAdmitted(
                sum(
                    session(false, a),
                    session(false, b),
                    session(false, c, cLater),
                    session(false, d, dPromo)),
                Set.of("page_view", "search")));
    assertThat(
            redis.hgetAll(
                RedisKeys.counts(RedisKeys.METRIC_OTHER_EVENTS, RedisKeys.UNDIVIDED, minute(0))))
        .as("checkout's session, replaced by one with register too, counted once")
        .isEqualTo(Map.of(RedisKeys.FIELD_TOTAL, "1"));
    assertThat(redis.hget(RedisKeys.CATALOG_TOTAL, RedisKeys.CATALOG_OTHER_EVENTS)).isEqualTo("3");
  }

  @Test
  void anEventNameOnceAdmittedStaysAdmittedAndOnceRefusedStaysRefusedUnderALowerCapToo() {
    try (ContributionStore capped = new ContributionStore(SharedRedis.url(), RETENTION, 3, 2)) {
      capped.apply(
          List.of(
              session(false, event("a", "ua", "page_view", minutes(0), "google")),
              session(false, event("b", "ub", CART, minutes(0), "google")),
              session(false, event("c", "uc", "checkout", minutes(0), "google"))));
    }
    try (ContributionStore lower = new ContributionStore(SharedRedis.url(), RETENTION, 3, 1)) {
      lower.apply(
          List.of(
              session(false, event("d", "ud", CART, minutes(5), "google")),
              session(false, event("e", "ue", "checkout", minutes(5), "google"))));
    }

    assertThat(
            redis.hgetAll(
                RedisKeys.counts(RedisKeys.eventMetric(CART), RedisKeys.UNDIVIDED, minute(5))))
        .isEqualTo(Map.of(RedisKeys.FIELD_TOTAL, "1"));
    assertThat(
            redis.hgetAll(
                RedisKeys.counts(RedisKeys.METRIC_OTHER_EVENTS, RedisKeys.UNDIVIDED, minute(5))))
        .isEqualTo(Map.of(RedisKeys.FIELD_TOTAL, "1"));
    assertThat(redis.hgetAll(RedisKeys.CATALOG_TOTAL))
        .isEqualTo(Map.of("page_view", "1", CART, "2", RedisKeys.CATALOG_OTHER_EVENTS, "2"));
  }

  /**
   * Applies {@code firings} one call each, then, on a flushed Redis, as one batch, and checks that
   * both leave the same: the batch's outcome.
   */
  private ContributionStore.Outcome appliedAsABatchAsOneCallEach(
      ContributionStore store, List<Contribution> firings) {
    firings.forEach(firing -> store.apply(List.of(firing)));
    Map<String, String> oneByOne = everything();
    SharedRedis.flushed().close();
    ContributionStore.Outcome outcome = store.apply(firings);
    assertThat(everything()).isEqualTo(oneByOne);
    return outcome;
  }

  /**
   * Every key but the TTLs: strings of hashes', sorted sets' and strings' contents. Not the live
   * stream: a sample per script call, which depends on how the calls are cut.
   */
  private Map<String, String> everything() {
    Map<String, String> all = new TreeMap<>();
    for (String key : redis.keys("*")) {
      if (key.equals(RedisKeys.LIVE_EVENTS)) {
        continue;
      }
      all.put(
          key,
          switch (redis.type(key)) {
            case "zset" -> redis.zrangeWithScores(key, 0, -1).toString();
            case "string" -> redis.get(key);
            default -> new TreeMap<>(redis.hgetAll(key)).toString();
          });
    }
    return all;
  }

  private static Contribution session(boolean last, Event... events) {
    List<Event> list = SessionOrder.distinctInOrder(List.of(events));
    long start = list.get(0).timestampMillis();
    long end = list.get(list.size() - 1).timestampMillis() + minutes(10).getMillis();
    return CountSessionEvents.contributionOf(
        Dimensions.DEFAULT.names(), list.get(0).userId(), start, end, last, last, list);
  }

  private static Contribution funnelSession(FunnelDefinition f, Event... events) {
    List<Event> list = SessionOrder.distinctInOrder(List.of(events));
    long start = list.get(0).timestampMillis();
    long end = list.get(list.size() - 1).timestampMillis() + minutes(10).getMillis();
    return ComputeSessionFunnelContributions.funnelContributionOf(
        f,
        RedisKeys.funnelNamespace(f.id(), f.version()),
        list.get(0).userId(),
        start,
        end,
        false,
        false,
        list);
  }

  /** What the contributions add to Redis: their counts, and those in the hour and day rollups. */
  private static Map<String, Long> sum(Contribution... contributions) {
    Map<String, Long> total = new TreeMap<>();
    for (Contribution c : contributions) {
      c.counts().forEach((k, v) -> total.merge(k, v, Long::sum));
    }
    return BatchOracle.withHoursAndDays(total);
  }

  private static long minute(long offsetMinutes) {
    return BASE.plus(minutes(offsetMinutes)).getMillis() / 60_000L;
  }
}
