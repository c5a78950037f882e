package io.clickstream.pipeline.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.apache.beam.sdk.io.CountingSource;
import org.apache.beam.sdk.io.CountingSource.CounterMark;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.UnboundedSource.UnboundedReader;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.FlatMapElements;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class BatchingUnboundedSourceTest {

  private static final SerializableFunction<Long, Instant> AT_SECOND = n -> new Instant(1_000L * n);
  private static final UnboundedSource<Long, CounterMark> COUNTING =
      CountingSource.unboundedWithTimestampFn(AT_SECOND);
  private final PipelineOptions options = PipelineOptionsFactory.create();

  @Test
  void aBatchHoldsAtMostMaxBatchElementsEachWithItsOwnTimestamp() throws Exception {
    try (UnboundedReader<List<TimestampedValue<Long>>> reader =
        new BatchingUnboundedSource<>(COUNTING, 5).createReader(options, null)) {
      assertThat(reader.start()).isTrue();

      assertThat(reader.getCurrent())
          .containsExactly(
              TimestampedValue.of(0L, new Instant(0)),
              TimestampedValue.of(1L, new Instant(1_000)),
              TimestampedValue.of(2L, new Instant(2_000)),
              TimestampedValue.of(3L, new Instant(3_000)),
              TimestampedValue.of(4L, new Instant(4_000)));
      assertThat(reader.getCurrentTimestamp()).isEqualTo(new Instant(0));
    }
  }

  @Test
  void aReaderRestoredFromACheckpointGoesOnAfterTheLastBatchWithNothingRepeated() throws Exception {
    BatchingUnboundedSource<Long, CounterMark> source = new BatchingUnboundedSource<>(COUNTING, 3);
    CounterMark mark;
    try (UnboundedReader<List<TimestampedValue<Long>>> reader =
        source.createReader(options, null)) {
      reader.start();
      reader.advance();
      mark = (CounterMark) reader.getCheckpointMark();
    }

    try (UnboundedReader<List<TimestampedValue<Long>>> restored =
        source.createReader(options, mark)) {
      assertThat(restored.start()).isTrue();
      assertThat(restored.getCurrent())
          .extracting(TimestampedValue::getValue)
          .containsExactly(6L, 7L, 8L);
    }
  }

  @Test
  void everyElementReachesThePipelineOnceWithItsOwnTimestamp() {
    TestPipeline p = TestPipeline.create().enableAbandonedNodeEnforcement(false);
    PCollection<String> elements =
        p.apply(
                "ReadInBatchesOfSeven",
                Read.from(new BatchingUnboundedSource<>(COUNTING, 7)).withMaxNumRecords(10))
            .apply(
                "ValueAndSecond",
                FlatMapElements.into(TypeDescriptors.strings())
                    .via(
                        batch ->
                            batch.stream()
                                .map(
                                    e -> e.getValue() + "@" + e.getTimestamp().getMillis() / 1_000L)
                                .toList()));

    PAssert.that(elements)
        .containsInAnyOrder(LongStream.range(0, 70).mapToObj(n -> n + "@" + n).toList());
    p.run().waitUntilFinish();
  }
}
