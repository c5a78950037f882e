package io.clickstream.storm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** How StormRunner is found, and how it reports what it cannot do and what went wrong. */
class StormRunnerTest {

  @Test
  void theRunnerAndItsOptionsAreFoundByName() {
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs("--runner=StormRunner", "--parallelism=3").create();
    assertThat(options.getRunner()).isEqualTo(StormRunner.class);
    assertThat(options.as(StormPipelineOptions.class).getParallelism()).isEqualTo(3);
    assertThat(options.as(StormPipelineOptions.class).getLocalCluster()).isTrue();
  }

  @Test
  void aTransformItCannotRunFailsTheJobAtTranslationNamingIt() {
    Pipeline pipeline = RunnerUnderTest.STORM.newPipeline();
    pipeline
        .apply("Amounts", Create.of(KV.of("a", 1)))
        .apply("RememberLast", ParDo.of(new RememberLast()));
    assertThatThrownBy(pipeline::run)
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("RememberLast");
  }

  /** A stateful DoFn, which StormRunner does not run yet. */
  private static final class RememberLast extends DoFn<KV<String, Integer>, Void> {
    @StateId("last")
    private final StateSpec<ValueState<Integer>> last = StateSpecs.value();

    @ProcessElement
    public void process(
        @Element KV<String, Integer> amount, @StateId("last") ValueState<Integer> last) {
      last.write(amount.getValue());
    }
  }

  /** Storm's own guarantee: the Direct runner finalizes checkpoint marks at a pace of its own. */
  @Test
  void everyRecordOfAnUnboundedReadEndsCoveredByAFinalizedCheckpointMark() {
    ClickSource clicks =
        new ClickSource(
            UUID.randomUUID().toString(),
            List.of(
                new ClickSource.Click("u1", new Instant(0)),
                new ClickSource.Click("u2", new Instant(1)),
                new ClickSource.Click("u3", new Instant(2))));
    Pipeline pipeline = RunnerUnderTest.STORM.newPipeline();
    PAssert.that(pipeline.apply("Clicks", Read.from(clicks))).containsInAnyOrder("u1", "u2", "u3");
    RunnerUnderTest.STORM.runAndCheckAsserts(pipeline);
    Map<String, Integer> everything = new HashMap<>();
    for (ClickSource split : clicks.split(StormPipelineOptions.DEFAULT_PARALLELISM, null)) {
      everything.put(split.id(), split.size());
    }
    assertThat(ClickSource.FINALIZED).containsAllEntriesOf(everything);
  }

  @ParameterizedTest(name = "on {0}")
  @EnumSource(RunnerUnderTest.class)
  void aFailingAssertionFailsTheJob(RunnerUnderTest runner) {
    Pipeline pipeline = runner.newPipeline();
    PAssert.that(pipeline.apply("Letters", Create.of("a", "b"))).containsInAnyOrder("a", "c");
    assertThatThrownBy(() -> runner.runAndCheckAsserts(pipeline))
        .isInstanceOf(Pipeline.PipelineExecutionException.class)
        .hasRootCauseInstanceOf(AssertionError.class);
  }
}
