package io.clickstream.storm;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.AfterProcessingTime;
import org.apache.beam.sdk.transforms.windowing.AfterWatermark;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Triggers on Storm, each case on StormRunner and on the Direct runner with the same PAssert: early
 * panes fired by processing time (a TestStream that advances it), then the on-time, late and final
 * panes, accumulating and discarding.
 */
class TriggersOnStormTest {
  private static final IntervalWindow FIRST_TEN_SECONDS = new IntervalWindow(at(0), at(10));

  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void processingTimeFiresAnEarlyPaneBeforeTheOnTimeLateAndFinalPanes(RunnerUnderTest runner) {
    Pipeline pipeline = runner.newPipeline();
    PCollection<KV<String, String>> clicks =
        pipeline.apply(
            "Clicks",
            TestStream.create(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
                .addElements(TimestampedValue.of(KV.of("u1", "view"), at(1)))
                .advanceProcessingTime(Duration.standardSeconds(31))
                .addElements(TimestampedValue.of(KV.of("u1", "cart"), at(2)))
                .advanceWatermarkTo(at(10))
                .addElements(TimestampedValue.of(KV.of("u1", "late"), at(3)))
                .advanceWatermarkToInfinity());

    PCollection<KV<String, Long>> accumulated =
        clicks
            .apply(
                "EarlyOnTimeLateAccumulating",
                earlyOnTimeAndLate()
                    .withAllowedLateness(Duration.standardMinutes(1))
                    .accumulatingFiredPanes())
            .apply("CountAccumulated", Count.perKey());
    PAssert.that(accumulated).inEarlyPane(FIRST_TEN_SECONDS).containsInAnyOrder(KV.of("u1", 1L));
    PAssert.that(accumulated).inOnTimePane(FIRST_TEN_SECONDS).containsInAnyOrder(KV.of("u1", 2L));
    PAssert.that(accumulated).inLatePane(FIRST_TEN_SECONDS).containsInAnyOrder(KV.of("u1", 3L));

    PCollection<KV<String, Long>> discarded =
        clicks
            .apply(
                "EarlyAndFinalDiscarding",
                earlyOnTimeAndLate().withAllowedLateness(Duration.ZERO).discardingFiredPanes())
            .apply("CountDiscarded", Count.perKey());
    PAssert.that(discarded).inEarlyPane(FIRST_TEN_SECONDS).containsInAnyOrder(KV.of("u1", 1L));
    PAssert.that(discarded).inOnTimePane(FIRST_TEN_SECONDS).containsInAnyOrder(KV.of("u1", 1L));
    PAssert.that(discarded).inFinalPane(FIRST_TEN_SECONDS).containsInAnyOrder(KV.of("u1", 1L));
    PAssert.that(discarded)
        .inWindow(FIRST_TEN_SECONDS)
        .containsInAnyOrder(KV.of("u1", 1L), KV.of("u1", 1L));
    runner.runAndCheckAsserts(pipeline);
  }

  /**
   * Ten-second windows, early after 30 s of processing time, on time, then late per element within
   * the allowed lateness: with none, the on-time pane is the final one and the late element is
   * dropped.
   */
  private static Window<KV<String, String>> earlyOnTimeAndLate() {
    return Window.<KV<String, String>>into(FixedWindows.of(Duration.standardSeconds(10)))
        .triggering(
            AfterWatermark.pastEndOfWindow()
                .withEarlyFirings(
                    AfterProcessingTime.pastFirstElementInPane()
                        .plusDelayOf(Duration.standardSeconds(30)))
                .withLateFirings(AfterPane.elementCountAtLeast(1)));
  }

  private static Instant at(int seconds) {
    return new Instant(seconds * 1000L);
  }
}
