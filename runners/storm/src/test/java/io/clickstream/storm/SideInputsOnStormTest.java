package io.clickstream.storm;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Side inputs on Storm, each case on StormRunner and on the Direct runner with the same PAssert:
 * every kind of view, and a windowed view matched to each main-input element by window.
 */
class SideInputsOnStormTest {

  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void everyElementSeesTheWholeOfEachGlobalView(RunnerUnderTest runner) {
    Pipeline pipeline = runner.newPipeline();
    PCollectionView<Integer> total =
        pipeline
            .apply("Amounts", Create.of(10, 20))
            .apply("Total", Sum.integersGlobally().asSingletonView());
    PCollectionView<List<String>> steps =
        pipeline.apply("Steps", Create.of("view", "cart")).apply("AsList", View.asList());
    PCollectionView<Map<String, Integer>> ranks =
        pipeline.apply("Ranks", Create.of(KV.of("view", 1))).apply("AsMap", View.asMap());
    PCollectionView<Map<String, Iterable<Integer>>> pages =
        pipeline
            .apply("Pages", Create.of(KV.of("view", 3), KV.of("view", 4)))
            .apply("AsMultimap", View.asMultimap());
    PCollection<String> described =
        pipeline
            .apply("Numbers", Create.of(1, 2))
            .apply(
                "DescribeWithViews",
                ParDo.of(new DescribeWithViews(total, steps, ranks, pages))
                    .withSideInputs(total, steps, ranks, pages));
    PAssert.that(described)
        .containsInAnyOrder(
            "1 total=30 steps=[cart, view] rank=1 pages=[3, 4]",
            "2 total=30 steps=[cart, view] rank=1 pages=[3, 4]");
    runner.runAndCheckAsserts(pipeline);
  }

  /**
   * The side input of window [20 s, 30 s) has no element: the singleton view's default (0) is what
   * an element there sees, once the side input's watermark has passed that window.
   */
  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void aWindowedSideInputIsMatchedToEachElementByItsWindow(RunnerUnderTest runner) {
    Pipeline pipeline = runner.newPipeline();
    PCollectionView<Integer> perWindowTotal =
        pipeline
            .apply(
                "Amounts",
                Create.timestamped(
                    TimestampedValue.of(1, at(1)),
                    TimestampedValue.of(2, at(8)),
                    TimestampedValue.of(5, at(15))))
            .apply("TenSecondAmountWindows", Window.into(FixedWindows.of(tenSeconds())))
            .apply("TotalPerWindow", Sum.integersGlobally().asSingletonView());
    PCollection<KV<String, Integer>> withTotals =
        pipeline
            .apply(
                "Clicks",
                Create.timestamped(
                    TimestampedValue.of("u1", at(3)),
                    TimestampedValue.of("u2", at(12)),
                    TimestampedValue.of("u3", at(25))))
            .apply("TenSecondClickWindows", Window.into(FixedWindows.of(tenSeconds())))
            .apply(
                "PairWithTheWindowsTotal",
                ParDo.of(new PairWithTotal(perWindowTotal)).withSideInputs(perWindowTotal));
    PAssert.that(withTotals).containsInAnyOrder(KV.of("u1", 3), KV.of("u2", 5), KV.of("u3", 0));
    runner.runAndCheckAsserts(pipeline);
  }

  /** Describes each number with what every view holds. */
  private static final class DescribeWithViews extends DoFn<Integer, String> {
    private final PCollectionView<Integer> total;
    private final PCollectionView<List<String>> steps;
    private final PCollectionView<Map<String, Integer>> ranks;
    private final PCollectionView<Map<String, Iterable<Integer>>> pages;

    DescribeWithViews(
        PCollectionView<Integer> total,
        PCollectionView<List<String>> steps,
        PCollectionView<Map<String, Integer>> ranks,
        PCollectionView<Map<String, Iterable<Integer>>> pages) {
      this.total = total;
      this.steps = steps;
      this.ranks = ranks;
      this.pages = pages;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(
          c.element()
              + " total="
              + c.sideInput(total)
              + " steps="
              + sorted(c.sideInput(steps))
              + " rank="
              + c.sideInput(ranks).get("view")
              + " pages="
              + sorted(c.sideInput(pages).get("view")));
    }
  }

  /** Pairs each element with the total its window has in the side input. */
  private static final class PairWithTotal extends DoFn<String, KV<String, Integer>> {
    private final PCollectionView<Integer> total;

    PairWithTotal(PCollectionView<Integer> total) {
      this.total = total;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      c.output(KV.of(c.element(), c.sideInput(total)));
    }
  }

  private static <T extends Comparable<T>> String sorted(Iterable<T> values) {
    return StreamSupport.stream(values.spliterator(), false)
        .sorted()
        .map(String::valueOf)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static Duration tenSeconds() {
    return Duration.standardSeconds(10);
  }

  private static Instant at(int seconds) {
    return new Instant(seconds * 1000L);
  }
}
