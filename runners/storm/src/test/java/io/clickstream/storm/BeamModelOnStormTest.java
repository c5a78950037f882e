package io.clickstream.storm;

import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Sessions;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Beam model on Storm: each case runs on StormRunner and on the Direct runner with the same
 * PAssert expectations, so Storm is held to what Beam's reference runner does.
 */
class BeamModelOnStormTest {
  private static final TupleTag<Integer> EVEN = new TupleTag<>() {};
  private static final TupleTag<Integer> ODD = new TupleTag<>() {};

  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void aParDoSendsEachElementToTheOutputItChooses(RunnerUnderTest runner) {
    Pipeline pipeline = runner.newPipeline();
    PCollectionTuple split =
        pipeline
            .apply("Numbers", Create.of(1, 2, 3, 4, 5))
            .apply(
                "SplitByParity",
                ParDo.of(new SplitByParity()).withOutputTags(EVEN, TupleTagList.of(ODD)));
    PAssert.that(split.get(EVEN)).containsInAnyOrder(2, 4);
    PAssert.that(split.get(ODD)).containsInAnyOrder(1, 3, 5);
    runner.runAndCheckAsserts(pipeline);
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void flattenMergesTheElementsOfSeveralPCollections(RunnerUnderTest runner) {
    Pipeline pipeline = runner.newPipeline();
    PCollection<String> first = pipeline.apply("First", Create.of("a", "b"));
    PCollection<String> second = pipeline.apply("Second", Create.of("c"));
    PCollection<String> merged =
        PCollectionList.of(first).and(second).apply("Merge", Flatten.pCollections());
    PAssert.that(merged).containsInAnyOrder("a", "b", "c");
    runner.runAndCheckAsserts(pipeline);
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void fixedWindowsGroupEachKeysElementsByTheWindowTheyFallIn(RunnerUnderTest runner) {
    Pipeline pipeline = runner.newPipeline();
    PCollection<KV<String, Iterable<Integer>>> grouped =
        pipeline
            .apply(
                "Clicks",
                Create.timestamped(
                    TimestampedValue.of(KV.of("u1", 1), at(1)),
                    TimestampedValue.of(KV.of("u1", 2), at(9)),
                    TimestampedValue.of(KV.of("u1", 3), at(12)),
                    TimestampedValue.of(KV.of("u2", 4), at(3))))
            .apply("TenSecondWindows", Window.into(FixedWindows.of(Duration.standardSeconds(10))))
            .apply("ByUser", GroupByKey.create());
    PCollection<KV<String, Integer>> sums =
        grouped.apply(
            "SumEachGroup",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.integers()))
                .via(
                    group ->
                        KV.of(
                            group.getKey(),
                            java.util.stream.StreamSupport.stream(
                                    group.getValue().spliterator(), false)
                                .mapToInt(Integer::intValue)
                                .sum())));
    PAssert.that(sums)
        .inWindow(new IntervalWindow(at(0), at(10)))
        .containsInAnyOrder(KV.of("u1", 3), KV.of("u2", 4));
    PAssert.that(sums)
        .inWindow(new IntervalWindow(at(10), at(20)))
        .containsInAnyOrder(KV.of("u1", 3));
    runner.runAndCheckAsserts(pipeline);
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void sessionsMergeWhenAnElementFallsWithinTheGapOfBoth(RunnerUnderTest runner) {
    Pipeline pipeline = runner.newPipeline();
    PCollection<KV<String, Long>> sessions =
        pipeline
            .apply(
                "Clicks",
                Create.timestamped(
                    TimestampedValue.of(KV.of("u1", "view"), at(0)),
                    TimestampedValue.of(KV.of("u1", "cart"), at(18)),
                    TimestampedValue.of(KV.of("u1", "search"), at(9)),
                    TimestampedValue.of(KV.of("u1", "later"), at(60))))
            .apply(
                "TenSecondGap", Window.into(Sessions.withGapDuration(Duration.standardSeconds(10))))
            .apply("ClicksPerSession", Count.perKey());
    PAssert.that(sessions)
        .inWindow(new IntervalWindow(at(0), at(28)))
        .containsInAnyOrder(KV.of("u1", 3L));
    PAssert.that(sessions)
        .inWindow(new IntervalWindow(at(60), at(70)))
        .containsInAnyOrder(KV.of("u1", 1L));
    runner.runAndCheckAsserts(pipeline);
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void combinePerKeySumsEachKeysValues(RunnerUnderTest runner) {
    Pipeline pipeline = runner.newPipeline();
    PCollection<KV<String, Integer>> sums =
        pipeline
            .apply(
                "Amounts", Create.of(KV.of("a", 1), KV.of("b", 10), KV.of("a", 2), KV.of("b", 20)))
            .apply("SumPerKey", Sum.integersPerKey());
    PAssert.that(sums).containsInAnyOrder(KV.of("a", 3), KV.of("b", 30));
    runner.runAndCheckAsserts(pipeline);
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void anUnboundedReadIsGroupedIntoSessionsAsItArrives(RunnerUnderTest runner) {
    ClickSource clicks =
        new ClickSource(
            UUID.randomUUID().toString(),
            List.of(
                new ClickSource.Click("u1", at(0)),
                new ClickSource.Click("u2", at(2)),
                new ClickSource.Click("u1", at(5)),
                new ClickSource.Click("u1", at(30))));
    Pipeline pipeline = runner.newPipeline();
    PCollection<KV<String, Long>> sessions =
        pipeline
            .apply("Clicks", Read.from(clicks))
            .apply(
                "TenSecondGap", Window.into(Sessions.withGapDuration(Duration.standardSeconds(10))))
            .apply("ClicksPerSession", Count.perElement());
    PAssert.that(sessions)
        .inWindow(new IntervalWindow(at(0), at(15)))
        .containsInAnyOrder(KV.of("u1", 2L));
    PAssert.that(sessions)
        .inWindow(new IntervalWindow(at(2), at(12)))
        .containsInAnyOrder(KV.of("u2", 1L));
    PAssert.that(sessions)
        .inWindow(new IntervalWindow(at(30), at(40)))
        .containsInAnyOrder(KV.of("u1", 1L));
    runner.runAndCheckAsserts(pipeline);
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void aLateElementFiresALatePaneAndADroppablyLateOneIsDropped(RunnerUnderTest runner) {
    Pipeline pipeline = runner.newPipeline();
    PCollection<KV<String, Long>> counts =
        pipeline
            .apply(
                "Clicks",
                TestStream.create(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
                    .addElements(
                        TimestampedValue.of(KV.of("u1", "view"), at(1)),
                        TimestampedValue.of(KV.of("u1", "cart"), at(2)))
                    .advanceWatermarkTo(at(10))
                    .addElements(TimestampedValue.of(KV.of("u1", "late"), at(3)))
                    .advanceWatermarkTo(at(25))
                    .addElements(TimestampedValue.of(KV.of("u1", "too late"), at(4)))
                    .advanceWatermarkToInfinity())
            .apply(
                "TenSecondWindowsTenSecondsLate",
                Window.<KV<String, String>>into(FixedWindows.of(Duration.standardSeconds(10)))
                    .withAllowedLateness(Duration.standardSeconds(10))
                    .discardingFiredPanes())
            .apply("ClicksPerUser", Count.perKey());
    IntervalWindow window = new IntervalWindow(at(0), at(10));
    PAssert.that(counts).inOnTimePane(window).containsInAnyOrder(KV.of("u1", 2L));
    PAssert.that(counts).inLatePane(window).containsInAnyOrder(KV.of("u1", 1L));
    PAssert.that(counts).inWindow(window).containsInAnyOrder(KV.of("u1", 2L), KV.of("u1", 1L));
    runner.runAndCheckAsserts(pipeline);
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void aLateElementMergesTwoSessionsThatHaveAlreadyFired(RunnerUnderTest runner) {
    Pipeline pipeline = runner.newPipeline();
    PCollection<KV<String, Long>> counts =
        pipeline
            .apply(
                "Clicks",
                TestStream.create(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
                    .addElements(
                        TimestampedValue.of(KV.of("u1", "view"), at(0)),
                        TimestampedValue.of(KV.of("u1", "cart"), at(15)))
                    .advanceWatermarkTo(at(30))
                    .addElements(TimestampedValue.of(KV.of("u1", "search"), at(8)))
                    .advanceWatermarkToInfinity())
            .apply(
                "TenSecondGapAMinuteLate",
                Window.<KV<String, String>>into(
                        Sessions.withGapDuration(Duration.standardSeconds(10)))
                    .withAllowedLateness(Duration.standardMinutes(1))
                    .accumulatingFiredPanes())
            .apply("ClicksPerSession", Count.perKey());
    PAssert.that(counts)
        .inOnTimePane(new IntervalWindow(at(0), at(10)))
        .containsInAnyOrder(KV.of("u1", 1L));
    PAssert.that(counts)
        .inOnTimePane(new IntervalWindow(at(15), at(25)))
        .containsInAnyOrder(KV.of("u1", 1L));
    PAssert.that(counts)
        .inLatePane(new IntervalWindow(at(0), at(25)))
        .containsInAnyOrder(KV.of("u1", 3L));
    runner.runAndCheckAsserts(pipeline);
  }

  /** Even numbers to one output, odd ones to the other. */
  private static final class SplitByParity extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(@Element Integer n, MultiOutputReceiver out) {
      out.get(n % 2 == 0 ? EVEN : ODD).output(n);
    }
  }

  private static Instant at(int seconds) {
    return new Instant(seconds * 1000L);
  }
}
