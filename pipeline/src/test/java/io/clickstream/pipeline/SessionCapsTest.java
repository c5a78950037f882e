package io.clickstream.pipeline;

import static io.clickstream.pipeline.TestEvents.BASE;
import static io.clickstream.pipeline.TestEvents.at;
import static io.clickstream.pipeline.TestEvents.event;
import static io.clickstream.pipeline.TestEvents.minutes;
import static io.clickstream.pipeline.TestEvents.seconds;

import io.clickstream.core.Event;
import io.clickstream.core.EventParser;
import java.io.Serializable;
import java.util.stream.Collectors;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;

/**
 * The session caps (issue 9, finding 9), one scenario per test on Beam's TestStream: a session
 * counts its first events up to the count cap and short of the length cap, whatever order they
 * arrive in, and the rest become dead letters of kind {@code capped} that name the cap. The final
 * firing is summarised as {@code [start,end) events counted, set aside}.
 */
public class SessionCapsTest implements Serializable {

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  @Test
  public void aSessionCountsItsFirstThreeEventsEvenWhenAnEarlierOneArrivesAfterTheCapWasReached() {
    EventTimeRules threeEvents =
        new EventTimeRules(
            minutes(10),
            minutes(5),
            Duration.ZERO,
            Duration.millis(500),
            3,
            Duration.standardHours(1),
            EventTimeRules.DEFAULT_MAX_EPISODE_EVENTS);
    TestStream<Event> events =
        TestStream.create(EventCoder.of())
            .addElements(
                at(event("e1", "u1", "page_view", minutes(0), "google")),
                at(event("e3", "u1", "search", minutes(2), "google")),
                at(event("e4", "u1", "search", minutes(3), "google")))
            .advanceProcessingTime(seconds(1))
            .addElements(at(event("e5", "u1", "search", minutes(4), "google")))
            .advanceProcessingTime(seconds(1))
            .addElements(at(event("e2", "u1", "search", minutes(1), "google")))
            .advanceWatermarkToInfinity();

    PCollectionTuple sessions = pipeline.apply(events).apply(new SessionizeEvents(threeEvents));

    PAssert.that(finalFiring(sessions)).containsInAnyOrder("[0m,14m) e1 e2 e3, 2 set aside");
    PAssert.that(setAside(sessions))
        .containsInAnyOrder(
            "e4: user u1: its session (from 2024-05-01T10:00:00Z) already counts 3 earlier events; "
                + "--maxSessionEvents sets the cap",
            "e5: user u1: its session (from 2024-05-01T10:00:00Z) already counts 3 earlier events; "
                + "--maxSessionEvents sets the cap");
    pipeline.run();
  }

  @Test
  public void eventsPastTheLengthCapExtendTheSessionButAreSetAsideAndAnEarlierStartLeavesOutMore() {
    EventTimeRules twentyMinutes =
        new EventTimeRules(
            minutes(10),
            minutes(5),
            Duration.ZERO,
            Duration.millis(500),
            100,
            Duration.standardMinutes(20),
            EventTimeRules.DEFAULT_MAX_EPISODE_EVENTS);
    TestStream<Event> events =
        TestStream.create(EventCoder.of())
            .addElements(
                at(event("a", "u1", "page_view", minutes(0), "google")),
                at(event("b", "u1", "search", minutes(8), "google")),
                at(event("c", "u1", "search", minutes(16), "google")),
                at(event("d", "u1", "search", minutes(24), "google")))
            .advanceProcessingTime(seconds(1))
            .addElements(at(event("z", "u1", "page_view", minutes(-5), "facebook")))
            .advanceWatermarkToInfinity();

    PCollectionTuple sessions = pipeline.apply(events).apply(new SessionizeEvents(twentyMinutes));

    PAssert.that(finalFiring(sessions)).containsInAnyOrder("[-5m,34m) z a b, 2 set aside");
    PAssert.that(setAside(sessions))
        .containsInAnyOrder(
            "d: user u1: more than PT20M after the start of its session (2024-05-01T10:00:00Z); "
                + "--maxSessionLength sets the cap",
            "c: user u1: more than PT20M after the start of its session (2024-05-01T09:55:00Z); "
                + "--maxSessionLength sets the cap");
    pipeline.run();
  }

  private static PCollection<String> finalFiring(PCollectionTuple sessions) {
    return sessions
        .get(SessionizeEvents.SESSIONS)
        .apply("FinalFiring", Filter.by(Session::last))
        .apply(
            "Summarise",
            MapElements.into(TypeDescriptors.strings())
                .via(
                    s ->
                        String.format(
                            "[%dm,%dm) %s, %d set aside",
                            (s.startMillis() - BASE.getMillis()) / 60_000,
                            (s.endMillis() - BASE.getMillis()) / 60_000,
                            s.events().stream()
                                .map(Event::eventId)
                                .collect(Collectors.joining(" ")),
                            s.setAside())));
  }

  private static PCollection<String> setAside(PCollectionTuple sessions) {
    return sessions
        .get(SessionizeEvents.CAPPED)
        .apply(
            "Describe",
            MapElements.into(TypeDescriptors.strings())
                .via(
                    d -> {
                      if (d.kind() != DeadLetter.Kind.CAPPED) {
                        throw new AssertionError("a dead letter of kind " + d.kind());
                      }
                      return EventParser.parse(d.raw()).event().eventId() + ": " + d.reason();
                    }));
  }
}
