package io.clickstream.pipeline;

import io.clickstream.core.Event;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.Window.ClosingBehavior;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Groups each user's events into session windows and re-emits a whole session every time it changes:
 * shortly after new events (early firings, for a live view), when the watermark passes its end
 * (on time), for each late event, and once more when it expires (the final pane, which lets the
 * writer release the session's bookkeeping).
 *
 * <p>Panes accumulate, so every firing carries the session's full event list and the contribution
 * computed from it is absolute. Beam has no retracting mode; the writer retracts instead.
 */
public class SessionizeEvents
    extends PTransform<PCollection<Event>, PCollection<KV<String, Iterable<Event>>>> {

  private final SessionSettings settings;

  public SessionizeEvents(SessionSettings settings) {
    this.settings = settings;
  }

  @Override
  public PCollection<KV<String, Iterable<Event>>> expand(PCollection<Event> events) {
    return events
        .apply("KeyByUser", WithKeys.of((SerializableFunction<Event, String>) Event::userId)
            .withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), EventCoder.of()))
        .apply("SessionWindows", Window.<KV<String, Event>>into(Sessions.withGapDuration(settings.sessionGap()))
            .triggering(AfterWatermark.pastEndOfWindow()
                .withEarlyFirings(AfterProcessingTime.pastFirstElementInPane()
                    .plusDelayOf(settings.earlyFiringDelay()))
                .withLateFirings(AfterPane.elementCountAtLeast(1)))
            .withAllowedLateness(settings.windowAllowedLateness(), ClosingBehavior.FIRE_ALWAYS)
            .accumulatingFiredPanes())
        .apply("GroupByUser", GroupByKey.create());
  }
}
