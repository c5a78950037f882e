package io.clickstream.pipeline;

import static io.clickstream.pipeline.TestEvents.BASE;
import static io.clickstream.pipeline.TestEvents.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.Event;
import io.clickstream.core.EventJson;
import io.clickstream.core.EventTable;
import io.clickstream.pipeline.io.EventRow;
import io.clickstream.pipeline.io.EventRowCoder;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.junit.Rule;
import org.junit.Test;

public class ParseEventsTest implements Serializable {

  static final EventTimeRules SETTINGS =
      new EventTimeRules(
          minutes(30), minutes(10), Duration.standardSeconds(5), Duration.millis(500));

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  @Test
  public void validEventsPassAndEveryRejectedRowGoesToTheDeadLettersWithItsReason() {
    long written = BASE.getMillis();
    EventRow valid = row("ok", written, written - 1_000);
    EventRow future = row("future", written, written + minutes(6).getMillis());
    EventRow late = row("late", written, written - minutes(11).getMillis());
    EventRow lateButAllowed = row("allowed", written, written - minutes(10).getMillis());
    EventRow broken = new EventRow(new byte[] {1, 2}, written, "{\"event_id\":\"x\"}");

    PCollectionTuple parsed =
        pipeline
            .apply(
                Create.of(valid, future, late, lateButAllowed, broken)
                    .withCoder(EventRowCoder.of()))
            .apply(new ParseEvents(SETTINGS));

    PAssert.that(
            parsed
                .get(ParseEvents.EVENTS)
                .apply("Ids", MapElements.into(TypeDescriptors.strings()).via(Event::eventId)))
        .containsInAnyOrder("ok", "allowed");
    PAssert.that(
            parsed
                .get(ParseEvents.DEAD_LETTERS)
                .apply(
                    "Reasons",
                    MapElements.into(TypeDescriptors.strings())
                        .via(d -> d.kind() + " " + d.reason())))
        .satisfies(
            reasons -> {
              List<String> all = new ArrayList<>();
              reasons.forEach(all::add);
              assertThat(all).hasSize(3);
              assertThat(all)
                  .anySatisfy(r -> assertThat(r).startsWith("INVALID user_id: required"));
              assertThat(all)
                  .anySatisfy(
                      r -> assertThat(r).startsWith("FUTURE ts:").contains("more than 5 minutes"));
              assertThat(all)
                  .anySatisfy(
                      r -> assertThat(r).startsWith("LATE ts:").contains("allowed lateness"));
              return null;
            });
    pipeline.run();
  }

  private static EventRow row(String id, long writtenAt, long eventTime) {
    Event e =
        new Event(id, "u1", "page_view", eventTime, "google", null, null, null, null, Map.of());
    return new EventRow(EventTable.rowKey("u1", id), writtenAt, EventJson.toJson(e));
  }
}
