package io.clickstream.storm;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.storm.topology.StatefulParDoBolt;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
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
 * Stateful ParDo on Storm: state per key and window, event-time and processing-time timers, and the
 * state of expired windows cleaned up, with the same PAssert expectations on StormRunner and on the
 * Direct runner.
 */
class StateAndTimersOnStormTest {

  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void stateAndAnEventTimeTimerSumEachKeysWindowAndNothingIsLeftBehind(RunnerUnderTest runner) {
    Pipeline pipeline = runner.newPipeline();
    PCollection<KV<String, Integer>> sums =
        pipeline
            .apply(
                "Amounts",
                Create.timestamped(
                    TimestampedValue.of(KV.of("u1", 1), at(1)),
                    TimestampedValue.of(KV.of("u1", 2), at(9)),
                    TimestampedValue.of(KV.of("u1", 5), at(12)),
                    TimestampedValue.of(KV.of("u2", 4), at(3)),
                    TimestampedValue.of(KV.of("u3", 7), at(15))))
            .apply("TenSecondWindows", Window.into(FixedWindows.of(Duration.standardSeconds(10))))
            .apply("SumUntilTheWindowEnds", ParDo.of(new SumUntilTheWindowEnds()));
    PAssert.that(sums)
        .inWindow(new IntervalWindow(at(0), at(10)))
        .containsInAnyOrder(KV.of("u1", 3), KV.of("u2", 4));
    PAssert.that(sums)
        .inWindow(new IntervalWindow(at(10), at(20)))
        .containsInAnyOrder(KV.of("u1", 5), KV.of("u3", 7));
    PipelineResult result = runner.runAndCheckAsserts(pipeline);
    if (runner == RunnerUnderTest.STORM) {
      // The DoFn never clears its state: the runner's garbage collection of expired windows must.
      List<Long> held = keysHeld(result);
      assertThat(held).as("keys held, per step").isNotEmpty();
      assertThat(held.stream().mapToLong(Long::longValue).sum()).as("keys left behind").isZero();
    }
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void aProcessingTimeTimerFiresWhileTheWatermarkWaits(RunnerUnderTest runner) {
    String gate = UUID.randomUUID().toString();
    Pipeline pipeline = runner.newPipeline();
    PCollection<KV<String, Integer>> flushed =
        pipeline
            .apply(
                "Amounts",
                Read.from(
                    new GatedSource(
                        gate,
                        List.of(
                            new GatedSource.Amount("u1", 1, at(1)),
                            new GatedSource.Amount("u1", 2, at(2))))))
            .apply("FlushASecondLater", ParDo.of(new FlushASecondLater(gate)));
    PAssert.that(flushed).containsInAnyOrder(KV.of("u1", 3));
    PipelineResult result = runner.runAndCheckAsserts(pipeline);
    if (runner == RunnerUnderTest.STORM) {
      assertThat(keysHeld(result).stream().mapToLong(Long::longValue).sum()).isZero();
    }
  }

  /** Sums a key's amounts in each window and emits the sum when the watermark passes its end. */
  private static final class SumUntilTheWindowEnds
      extends DoFn<KV<String, Integer>, KV<String, Integer>> {
    @StateId("sum")
    private final StateSpec<ValueState<Integer>> sumSpec = StateSpecs.value();

    @TimerId("end")
    private final TimerSpec endSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @ProcessElement
    public void process(
        @Element KV<String, Integer> amount,
        BoundedWindow window,
        @AlwaysFetched @StateId("sum") ValueState<Integer> sum,
        @TimerId("end") Timer end) {
      Integer before = sum.read();
      sum.write((before == null ? 0 : before) + amount.getValue());
      end.set(window.maxTimestamp());
    }

    @OnTimer("end")
    public void onEnd(
        @Key String user,
        @StateId("sum") ValueState<Integer> sum,
        OutputReceiver<KV<String, Integer>> out) {
      out.output(KV.of(user, sum.read()));
    }
  }

  /**
   * Buffers a key's amounts and emits their sum a second of processing time after the first, then
   * opens the source's gate so that the job can end.
   */
  private static final class FlushASecondLater
      extends DoFn<KV<String, Integer>, KV<String, Integer>> {
    private final String gate;

    @StateId("amounts")
    private final StateSpec<BagState<Integer>> amountsSpec = StateSpecs.bag();

    @TimerId("flush")
    private final TimerSpec flushSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    FlushASecondLater(String gate) {
      this.gate = gate;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Integer> amount,
        @StateId("amounts") BagState<Integer> amounts,
        @TimerId("flush") Timer flush) {
      if (amounts.isEmpty().read()) {
        flush.offset(Duration.standardSeconds(1)).setRelative();
      }
      amounts.add(amount.getValue());
    }

    @OnTimer("flush")
    public void onFlush(
        @Key String user,
        @StateId("amounts") BagState<Integer> amounts,
        OutputReceiver<KV<String, Integer>> out) {
      int sum = 0;
      for (int amount : amounts.read()) {
        sum += amount;
      }
      amounts.clear();
      out.output(KV.of(user, sum));
      GatedSource.open(gate);
    }
  }

  private static List<Long> keysHeld(PipelineResult result) {
    return java.util.stream.StreamSupport.stream(
            result
                .metrics()
                .queryMetrics(
                    MetricsFilter.builder()
                        .addNameFilter(
                            MetricNameFilter.named(
                                StatefulParDoBolt.class, StatefulParDoBolt.KEYS_HELD))
                        .build())
                .getCounters()
                .spliterator(),
            false)
        .map(MetricResult::getAttempted)
        .toList();
  }

  private static Instant at(int seconds) {
    return new Instant(seconds * 1000L);
  }
}
