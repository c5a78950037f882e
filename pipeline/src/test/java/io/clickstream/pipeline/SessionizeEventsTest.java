package io.clickstream.pipeline;

import static io.clickstream.pipeline.TestEvents.BASE;
import static io.clickstream.pipeline.TestEvents.at;
import static io.clickstream.pipeline.TestEvents.event;
import static io.clickstream.pipeline.TestEvents.minutes;
import static io.clickstream.pipeline.TestEvents.seconds;

import io.clickstream.core.Dimensions;
import io.clickstream.core.Event;
import io.clickstream.core.RedisKeys;
import java.io.Serializable;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;

/**
 * One trigger scenario per test, on Beam's TestStream. Each firing is summarised as {@code user
 * [start,end) v<distinct events> <timing>[ last]} plus, where it matters, a count.
 */
public class SessionizeEventsTest implements Serializable {

  static final EventTimeRules SETTINGS =
      new EventTimeRules(minutes(10), minutes(5), Duration.ZERO, Duration.millis(500));

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  @Test
  public void anOnTimeSessionFiresWhenTheWatermarkPassesItsEndAndOnceMoreWhenItExpires() {
    TestStream<Event> events =
        TestStream.create(EventCoder.of())
            .addElements(
                at(event("e1", "u1", "page_view", minutes(0), "google")),
                at(event("e2", "u1", "search", minutes(1), "google")))
            .advanceWatermarkTo(BASE.plus(minutes(12)))
            .advanceWatermarkToInfinity();

    PAssert.that(summaries(events))
        .containsInAnyOrder("u1 [0m,11m) v2 ON_TIME", "u1 [0m,11m) v2 LATE last");
    pipeline.run();
  }

  @Test
  public void anOpenSessionFiresEarlyAndALateEventFiresALatePane() {
    TestStream<Event> events =
        TestStream.create(EventCoder.of())
            .addElements(at(event("e1", "u1", "page_view", minutes(0), "google")))
            .advanceProcessingTime(seconds(1))
            .addElements(at(event("e2", "u1", "search", minutes(1), "google")))
            .advanceWatermarkTo(BASE.plus(minutes(12)))
            .addElements(at(event("e3", "u1", "register", seconds(30), "google")))
            .advanceWatermarkToInfinity();

    PAssert.that(summaries(events))
        .containsInAnyOrder(
            "u1 [0m,10m) v1 EARLY",
            "u1 [0m,11m) v2 ON_TIME",
            "u1 [0m,11m) v3 LATE",
            "u1 [0m,11m) v3 LATE last");
    pipeline.run();
  }

  @Test
  public void anEventWhoseSessionTheWatermarkHasExpiredIsDroppedAndChangesNothing() {
    TestStream<Event> events =
        TestStream.create(EventCoder.of())
            .addElements(at(event("e1", "u1", "page_view", minutes(0), "google")))
            // The session [0m,10m) fires on time, then expires at 10m + 5m allowed lateness + 1m
            // slack.
            .advanceWatermarkTo(BASE.plus(minutes(30)))
            // A session [-1m,9m) would have expired before that: the sessionizer knows it is too
            // late.
            .addElements(at(event("late", "u1", "search", minutes(-1), "google")))
            .advanceWatermarkToInfinity();

    PAssert.that(summaries(events))
        .containsInAnyOrder("u1 [0m,10m) v1 ON_TIME", "u1 [0m,10m) v1 LATE last");
    pipeline.run();
  }

  @Test
  public void aDuplicateEventIdCountsOnce() {
    Event first = event("e1", "u1", "page_view", minutes(0), "google");
    TestStream<Event> events =
        TestStream.create(EventCoder.of())
            .addElements(
                at(first), at(first), at(event("e2", "u1", "page_view", minutes(1), "google")))
            .advanceWatermarkToInfinity();

    String pageViews =
        RedisKeys.counts(RedisKeys.eventMetric("page_view"), RedisKeys.UNDIVIDED, minute(0));
    PAssert.that(summaries(events, pageViews, RedisKeys.FIELD_TOTAL))
        .containsInAnyOrder("u1 [0m,11m) v2 ON_TIME =1", "u1 [0m,11m) v2 LATE last =1");
    pipeline.run();
  }

  @Test
  public void oneEventIdUnderTwoUsersIsTwoEventsAsItIsTwoRowsInHBase() {
    TestStream<Event> events =
        TestStream.create(EventCoder.of())
            .addElements(
                at(event("e1", "u1", "page_view", minutes(0), "google")),
                at(event("e1", "u2", "page_view", minutes(0), "google")))
            .advanceWatermarkToInfinity();

    PAssert.that(summaries(events))
        .containsInAnyOrder(
            "u1 [0m,10m) v1 ON_TIME",
            "u1 [0m,10m) v1 LATE last",
            "u2 [0m,10m) v1 ON_TIME",
            "u2 [0m,10m) v1 LATE last");
    pipeline.run();
  }

  @Test
  public void aLateEventBetweenTwoSessionsMergesThemIntoOne() {
    TestStream<Event> events =
        TestStream.create(EventCoder.of())
            .addElements(
                at(event("a", "u1", "page_view", minutes(0), "google")),
                at(event("b", "u1", "checkout", minutes(15), "google")))
            .advanceWatermarkTo(BASE.plus(minutes(11)))
            .addElements(at(event("bridge", "u1", "search", minutes(8), "google")))
            .advanceWatermarkToInfinity();

    PAssert.that(summaries(events))
        .containsInAnyOrder(
            "u1 [0m,10m) v1 ON_TIME", "u1 [0m,25m) v3 ON_TIME", "u1 [0m,25m) v3 LATE last");
    pipeline.run();
  }

  @Test
  public void aLateEarlierEventBecomesTheSessionsFirstTouch() {
    TestStream<Event> events =
        TestStream.create(EventCoder.of())
            .addElements(at(event("e5", "u1", "search", minutes(5), "google")))
            .advanceWatermarkTo(BASE.plus(minutes(16)))
            .addElements(at(event("e1", "u1", "page_view", minutes(1), "facebook")))
            .advanceWatermarkToInfinity();

    String sessionsBySource = RedisKeys.counts(RedisKeys.METRIC_SESSIONS, "source", minute(5));
    String sessionsBySourceAtOne = RedisKeys.counts(RedisKeys.METRIC_SESSIONS, "source", minute(1));
    PAssert.that(summaries(events, sessionsBySource, "google"))
        .containsInAnyOrder(
            "u1 [5m,15m) v1 ON_TIME =1", "u1 [1m,15m) v2 LATE =0", "u1 [1m,15m) v2 LATE last =0");
    PAssert.that(summaries(events, sessionsBySourceAtOne, "facebook"))
        .containsInAnyOrder(
            "u1 [5m,15m) v1 ON_TIME =0", "u1 [1m,15m) v2 LATE =1", "u1 [1m,15m) v2 LATE last =1");
    pipeline.run();
  }

  private static long minute(long offsetMinutes) {
    return BASE.plus(minutes(offsetMinutes)).getMillis() / 60_000L;
  }

  private PCollection<String> summaries(TestStream<Event> events) {
    return summaries(events, null, null);
  }

  private PCollection<String> summaries(
      TestStream<Event> events, String countKey, String countField) {
    String name = "Summaries" + (countKey == null ? "" : countKey + countField).hashCode();
    return pipeline
        .apply(name + "Events", events)
        .apply(name + "Sessionize", new SessionizeEvents(SETTINGS))
        .get(SessionizeEvents.SESSIONS)
        .apply(name + "Summarise", ParDo.of(new Summarise(countKey, countField)));
  }

  static final class Summarise extends DoFn<Session, String> {
    private final String countKey;
    private final String countField;

    Summarise(String countKey, String countField) {
      this.countKey = countKey;
      this.countField = countField;
    }

    @ProcessElement
    public void process(@Element Session s, OutputReceiver<String> out) {
      String summary =
          String.format(
              "%s [%dm,%dm) v%d %s%s",
              s.userId(),
              (s.startMillis() - BASE.getMillis()) / 60_000,
              (s.endMillis() - BASE.getMillis()) / 60_000,
              s.events().size(),
              s.firing(),
              s.last() ? " last" : "");
      if (countKey != null) {
        Contribution c =
            CountSessionEvents.contributionOf(
                Dimensions.DEFAULT.names(),
                s.userId(),
                s.startMillis(),
                s.endMillis(),
                s.closed(),
                s.last(),
                s.events());
        summary +=
            " =" + c.counts().getOrDefault(Contribution.countField(countKey, countField), 0L);
      }
      out.output(summary);
    }
  }
}
