package io.clickstream.storm;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.storm.translation.TopologyTranslator;
import java.util.Set;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.CombineWithContext;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Redistribute;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.windowing.FixedWindows;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reshuffle, Redistribute and Combine on Storm, each case on StormRunner and on the Direct runner
 * with the same PAssert.
 */
class ReshuffleAndCombineOnStormTest {
  private static final IntervalWindow FIRST = new IntervalWindow(at(0), at(10));
  private static final IntervalWindow SECOND = new IntervalWindow(at(10), at(20));

  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void reshufflingKeepsEveryElementWithItsTimestampAndWindow(RunnerUnderTest runner) {
    Pipeline pipeline = runner.newPipeline();
    PCollection<String> clicks =
        pipeline
            .apply(
                "Clicks",
                Create.timestamped(
                    TimestampedValue.of("view", at(1)),
                    TimestampedValue.of("view", at(1)),
                    TimestampedValue.of("cart", at(2)),
                    TimestampedValue.of("view", at(15))))
            .apply("TenSecondWindows", Window.into(FixedWindows.of(Duration.standardSeconds(10))));

    PCollection<TimestampedValue<String>> viaRandomKey =
        clicks
            .apply("ReshuffleViaRandomKey", Reshuffle.viaRandomKey())
            .apply("TimestampsAfterReshuffle", Reify.timestamps());
    PAssert.that(viaRandomKey)
        .inWindow(FIRST)
        .containsInAnyOrder(
            TimestampedValue.of("view", at(1)),
            TimestampedValue.of("view", at(1)),
            TimestampedValue.of("cart", at(2)));
    PAssert.that(viaRandomKey)
        .inWindow(SECOND)
        .containsInAnyOrder(TimestampedValue.of("view", at(15)));

    PCollection<String> arbitrarily =
        clicks.apply("RedistributeArbitrarily", Redistribute.arbitrarily());
    PAssert.that(arbitrarily).inWindow(FIRST).containsInAnyOrder("view", "view", "cart");
    PAssert.that(arbitrarily).inWindow(SECOND).containsInAnyOrder("view");

    PCollection<KV<String, Integer>> byKey =
        pipeline
            .apply("Amounts", Create.of(KV.of("a", 1), KV.of("b", 2), KV.of("a", 1)))
            .apply("ReshuffleByKey", Reshuffle.of());
    PAssert.that(byKey).containsInAnyOrder(KV.of("a", 1), KV.of("b", 2), KV.of("a", 1));
    runner.runAndCheckAsserts(pipeline);
  }

  /** Through its expansion's GroupByKey, every random key would keep state to the end of time. */
  @Test
  void aReshuffleIsOneBoltNotItsExpansionsGroupByKey() {
    Pipeline pipeline = RunnerUnderTest.STORM.newPipeline();
    pipeline.apply("Clicks", Create.of("view", "cart")).apply("Spread", Reshuffle.viaRandomKey());
    SplittableParDo.convertReadBasedSplittableDoFnsToPrimitiveReadsIfNecessary(pipeline);
    Set<String> bolts =
        new TopologyTranslator(
                new SerializablePipelineOptions(pipeline.getOptions()), "reshuffle", 1)
            .translate(pipeline)
            .topology()
            .get_bolts()
            .keySet();
    assertThat(bolts).containsExactly("Spread");
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void combineSumsPerWindowGloballyAndPerKeyWithASideInput(RunnerUnderTest runner) {
    Pipeline pipeline = runner.newPipeline();
    PCollection<KV<String, Integer>> amounts =
        pipeline
            .apply(
                "Amounts",
                Create.timestamped(
                    TimestampedValue.of(KV.of("a", 1), at(1)),
                    TimestampedValue.of(KV.of("b", 10), at(5)),
                    TimestampedValue.of(KV.of("a", 2), at(12))))
            .apply("TenSecondWindows", Window.into(FixedWindows.of(Duration.standardSeconds(10))));

    PCollection<Integer> perWindow =
        amounts
            .apply("OnlyAmounts", Values.create())
            .apply("SumPerWindow", Sum.integersGlobally().withoutDefaults());
    PAssert.that(perWindow).inWindow(FIRST).containsInAnyOrder(11);
    PAssert.that(perWindow).inWindow(SECOND).containsInAnyOrder(2);

    PCollectionView<Integer> factor =
        pipeline.apply("Factor", Create.of(100)).apply("AsFactor", View.asSingleton());
    PCollection<KV<String, Integer>> scaled =
        amounts
            .apply("RewindowGlobally", Window.<KV<String, Integer>>into(new GlobalWindows()))
            .apply(
                "SumTimesFactorPerKey",
                Combine.<String, Integer, Integer>perKey(new SumTimes(factor))
                    .withSideInputs(factor));
    PAssert.that(scaled).containsInAnyOrder(KV.of("a", 300), KV.of("b", 1000));
    runner.runAndCheckAsserts(pipeline);
  }

  /** Sums, then multiplies by the factor a side input holds. */
  private static final class SumTimes
      extends CombineWithContext.CombineFnWithContext<Integer, Integer, Integer> {
    private final PCollectionView<Integer> factor;

    SumTimes(PCollectionView<Integer> factor) {
      this.factor = factor;
    }

    @Override
    public Integer createAccumulator(CombineWithContext.Context c) {
      return 0;
    }

    @Override
    public Integer addInput(Integer sum, Integer amount, CombineWithContext.Context c) {
      return sum + amount;
    }

    @Override
    public Integer mergeAccumulators(Iterable<Integer> sums, CombineWithContext.Context c) {
      int total = 0;
      for (int sum : sums) {
        total += sum;
      }
      return total;
    }

    @Override
    public Integer extractOutput(Integer sum, CombineWithContext.Context c) {
      return sum * c.sideInput(factor);
    }
  }

  private static Instant at(int seconds) {
    return new Instant(seconds * 1000L);
  }
}
