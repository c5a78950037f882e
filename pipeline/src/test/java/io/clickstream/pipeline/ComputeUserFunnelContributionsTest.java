package io.clickstream.pipeline;

import static io.clickstream.pipeline.TestEvents.BASE;
import static io.clickstream.pipeline.TestEvents.at;
import static io.clickstream.pipeline.TestEvents.event;
import static io.clickstream.pipeline.TestEvents.minutes;
import static io.clickstream.pipeline.TestEvents.seconds;

import io.clickstream.core.Event;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import java.io.Serializable;
import java.util.List;
import java.util.TreeMap;
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
 * User-scope funnels on TestStream, one scenario per test. Each firing is summarised as {@code
 * [episode start] v<distinct events>.<ended windows> <result fields>[ last]}.
 */
public class ComputeUserFunnelContributionsTest implements Serializable {

  static final EventTimeRules SETTINGS =
      new EventTimeRules(minutes(10), minutes(5), Duration.ZERO, Duration.millis(500));
  static final FunnelDefinition FUNNEL =
      FunnelDefinitions.parse(
              "{\"scope\":\"user\",\"window\":\"PT20M\","
                  + "\"steps\":[{\"event\":\"a\"},{\"event\":\"b\"},{\"event\":\"c\"}]}",
              "u")
          .withVersion(1, 0);

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  @Test
  public void anAttemptAcrossSessionsIsInProgressUntilItsWindowEndsThenDropped() {
    TestStream<Event> events =
        TestStream.create(EventCoder.of())
            .addElements(
                at(event("1", "u1", "a", minutes(0), null)),
                at(event("2", "u1", "b", minutes(15), null)))
            .advanceProcessingTime(seconds(1))
            .advanceWatermarkTo(BASE.plus(minutes(21)))
            .advanceWatermarkToInfinity();

    PAssert.that(summaries(events))
        .containsInAnyOrder(
            "[0m] v2.0 open=1 reached:1=1 reached:2=1 secs:2:900=1",
            "[0m] v2.1 dropped=1 reached:1=1 reached:2=1 secs:2:900=1",
            "[0m] v2.1 dropped=1 reached:1=1 reached:2=1 secs:2:900=1 last");
    pipeline.run();
  }

  @Test
  public void anEpisodeThatCanNoLongerChangeClearsItsStateAndTimersSoTheNextStartsAfresh() {
    TestStream<Event> events =
        TestStream.create(EventCoder.of())
            .addElements(at(event("1", "u1", "a", minutes(0), null)))
            // The episode ends at 0m + 20m (the longest reach) + 5m + 1m of allowed lateness.
            .advanceWatermarkTo(BASE.plus(minutes(30)))
            .addElements(at(event("2", "u1", "a", minutes(40), null)))
            .advanceProcessingTime(seconds(1))
            .advanceWatermarkToInfinity();

    PAssert.that(summaries(events))
        .containsInAnyOrder(
            "[0m] v1.1 dropped=1 reached:1=1",
            "[0m] v1.1 dropped=1 reached:1=1 last",
            "[40m] v1.0 open=1 reached:1=1",
            "[40m] v1.1 dropped=1 reached:1=1",
            "[40m] v1.1 dropped=1 reached:1=1 last");
    pipeline.run();
  }

  @Test
  public void aCompletedAttemptLetsTheNextStepOneEventStartANewAttempt() {
    TestStream<Event> events =
        TestStream.create(EventCoder.of())
            .addElements(
                at(event("1", "u1", "a", minutes(0), null)),
                at(event("2", "u1", "b", minutes(1), null)),
                at(event("3", "u1", "c", minutes(2), null)),
                at(event("4", "u1", "a", minutes(3), null)))
            .advanceWatermarkToInfinity();

    PAssert.that(summaries(events))
        .containsInAnyOrder(
            "[0m] v4.2 dropped=1 reached:1=2 reached:2=1 reached:3=1 secs:2:60=1 secs:3:120=1",
            "[0m] v4.2 dropped=1 reached:1=2 reached:2=1 reached:3=1 secs:2:60=1 secs:3:120=1 last");
    pipeline.run();
  }

  @Test
  public void anEpisodeEvaluatesItsFirstEventsOnlyAndALateEarlierOneTakesTheLastPlace() {
    TestStream<Event> events =
        TestStream.create(EventCoder.of())
            .addElements(
                at(event("1", "u1", "a", minutes(0), null)),
                at(event("3", "u1", "c", minutes(2), null)))
            .advanceProcessingTime(seconds(1))
            .addElements(at(event("2", "u1", "b", minutes(1), null)))
            .advanceProcessingTime(seconds(1))
            .advanceWatermarkToInfinity();

    // At most two events: c, seen, extends the episode and its version, but no attempt sees it.
    PAssert.that(summaries(events, SETTINGS.withMaxEpisodeEvents(2), UserHistory.none(), FUNNEL))
        .containsInAnyOrder(
            "[0m] v2.0 open=1 reached:1=1",
            "[0m] v3.0 open=1 reached:1=1 reached:2=1 secs:2:60=1",
            "[0m] v3.1 dropped=1 reached:1=1 reached:2=1 secs:2:60=1",
            "[0m] v3.1 dropped=1 reached:1=1 reached:2=1 secs:2:60=1 last");
    pipeline.run();
  }

  @Test
  public void anAttemptInTheHistoryReadForANewFunnelKeepsALaterStepOneEventFromStartingAnother() {
    // Defined at 0m with a window (20m) longer than the session gap: the state may not reach back
    // far
    // enough, so the user's history is read, and holds an attempt begun at -5m, before live_from.
    FunnelDefinition defined = FUNNEL.withVersion(2, BASE.getMillis());
    UserHistory history = (user, fromMillis) -> List.of(event("0", "u1", "a", minutes(-5), null));
    TestStream<Event> events =
        TestStream.create(EventCoder.of())
            .addElements(
                at(event("1", "u1", "a", minutes(1), null)),
                at(event("2", "u1", "b", minutes(2), null)))
            .advanceProcessingTime(seconds(1))
            .advanceWatermarkToInfinity();

    // Without the history, "1" would start an attempt counted live: reached:1=1 reached:2=1.
    PAssert.that(summaries(events, SETTINGS, history, defined))
        .containsInAnyOrder("[-5m] v3.0", "[-5m] v3.1", "[-5m] v3.1 last");
    pipeline.run();
  }

  private PCollection<String> summaries(TestStream<Event> events) {
    return summaries(events, SETTINGS, UserHistory.none(), FUNNEL);
  }

  private PCollection<String> summaries(
      TestStream<Event> events,
      EventTimeRules settings,
      UserHistory history,
      FunnelDefinition funnel) {
    return pipeline
        .apply(events)
        .apply(
            ComputeUserFunnelContributions.live(
                FunnelCatalog.of(List.of(funnel)), settings, history))
        .apply(ParDo.of(new Summarise()));
  }

  static final class Summarise extends DoFn<Contribution, String> {
    @ProcessElement
    public void process(@Element Contribution c, OutputReceiver<String> out) {
      TreeMap<String, Long> fields = new TreeMap<>();
      c.counts()
          .forEach(
              (field, n) -> fields.merge(field.substring(field.indexOf('\n') + 1), n, Long::sum));
      StringBuilder summary =
          new StringBuilder(
              String.format(
                  "[%dm] v%d.%d",
                  (c.startMillis() - BASE.getMillis()) / 60_000,
                  c.version() / ComputeUserFunnelContributions.EVENT_WEIGHT,
                  c.version() % ComputeUserFunnelContributions.EVENT_WEIGHT));
      fields.forEach((field, n) -> summary.append(' ').append(field).append('=').append(n));
      out.output(summary + (c.last() ? " last" : ""));
    }
  }
}
