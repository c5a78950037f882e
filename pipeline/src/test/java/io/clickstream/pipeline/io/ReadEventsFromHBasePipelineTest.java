package io.clickstream.pipeline.io;

import static io.clickstream.pipeline.io.EventsTableFixture.writeMany;
import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.pipeline.testing.SharedMiniHBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.ExperimentalOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ReadEventsFromHBase in a streaming pipeline on the DirectRunner. */
class ReadEventsFromHBasePipelineTest {

  /**
   * What each test run's pipeline saw, by test id (the DoFn is serialized, so it cannot hold it).
   */
  private static final Map<String, Queue<String>> SEEN = new ConcurrentHashMap<>();

  @BeforeEach
  void emptyTable() {
    SharedMiniHBase.resetEventsTable();
  }

  /** Records "row key @ element timestamp == write time" for every element of the test's run. */
  static final class Collect extends DoFn<EventRow, Void> {
    private final String testId;

    Collect(String testId) {
      this.testId = testId;
    }

    @ProcessElement
    public void process(@Element EventRow row, ProcessContext c) {
      boolean stampedWithWriteTime = c.timestamp().getMillis() == row.writeTimeMillis();
      SEEN.get(testId)
          .add(EventRow.printable(row.rowKey()) + (stampedWithWriteTime ? "" : " (bad timestamp)"));
    }
  }

  @Test
  void aStreamingPipelineReadsEveryRowExactlyOnce() throws Exception {
    runAndCheck(false);
  }

  @Test
  void aStreamingPipelineOnTheDeprecatedPrimitiveReadReadsEveryRowExactlyOnce() throws Exception {
    runAndCheck(true);
  }

  private void runAndCheck(boolean deprecatedRead) throws Exception {
    String testId = UUID.randomUUID().toString();
    SEEN.put(testId, new ConcurrentLinkedQueue<>());
    List<String> expected = new ArrayList<>(writeMany("early", 40));

    DirectOptions options = PipelineOptionsFactory.create().as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    options.setBlockOnRun(false);
    options.setTargetParallelism(2);
    options.as(StreamingOptions.class).setStreaming(true);
    if (deprecatedRead) {
      ExperimentalOptions.addExperiment(
          options.as(ExperimentalOptions.class), "use_deprecated_read");
    }
    Pipeline p = Pipeline.create(options);
    PCollection<EventRow> rows =
        p.apply(
            ReadEventsFromHBase.from(SharedMiniHBase.zkQuorum())
                .withPollInterval(Duration.millis(100))
                .withReadOverlap(Duration.millis(500))
                .withOutOfOrderness(Duration.standardSeconds(1)));
    rows.apply(ParDo.of(new Collect(testId)));

    PipelineResult result = p.run();
    try {
      Thread.sleep(1_000);
      expected.addAll(writeMany("late", 40));
      long deadline = System.currentTimeMillis() + 60_000;
      while (SEEN.get(testId).size() < expected.size() && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      // A little longer: polls re-reading the overlap must not produce repeats.
      Thread.sleep(1_500);
    } finally {
      result.cancel();
    }
    assertThat(SEEN.remove(testId)).containsExactlyInAnyOrderElementsOf(expected);
  }
}
