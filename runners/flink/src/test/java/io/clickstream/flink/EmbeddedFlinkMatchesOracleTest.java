package io.clickstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.flink.testing.Dataset;
import io.clickstream.pipeline.testing.EventsTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.ClickstreamPipeline;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/**
 * The pipeline on Flink embedded in this JVM, started as the launcher starts it ({@code --runner=FlinkRunner}
 * and {@link FlinkJobMain#prepareForEmbedding}; parallelism 2, checkpoints every 2 s), against a real
 * HBase mini cluster and a real Redis. The Direct side of the comparison is
 * the pipeline module's StreamingPipelineMatchesOracleTest: both runners equal the same oracle.
 */
class EmbeddedFlinkMatchesOracleTest {

  @Test
  void theSameDatasetGivesTheSameAggregatesOnDirectAndOnEmbeddedFlink() throws Exception {
    Dataset data = new Dataset(42, 300);
    EventsTable.write(data.firstHalf());
    // As the launcher starts it: its options, Flink's passed through, no master given ([auto]).
    List<String> args = new ArrayList<>(data.pipelineArgs());
    args.addAll(List.of("--runner=FlinkRunner", "--parallelism=2", "--checkpointingInterval=2000"));
    PipelineOptionsFactory.register(ClickstreamOptions.class);
    ClickstreamOptions options = PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation()
        .as(ClickstreamOptions.class);
    FlinkJobMain.prepareForEmbedding(options);
    assertThat(options.as(FlinkPipelineOptions.class).getFlinkMaster()).isEqualTo("[local]");
    long t0 = System.nanoTime();
    PipelineResult job = ClickstreamPipeline.run(options);
    try {
      System.out.printf("embedded Flink job submitted in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      EventsTable.write(data.secondHalf());
      data.awaitWatermarkAndAssertRedisEqualsOracle(Duration.ofSeconds(180));
      assertThat(data.redis.hget("cs:pipeline", "runner")).isEqualTo("FlinkRunner");
      assertThat(job.getState()).isEqualTo(PipelineResult.State.RUNNING);
    } finally {
      job.cancel();
    }
    System.out.printf("embedded Flink test took %d s%n", (System.nanoTime() - t0) / 1_000_000_000);
  }
}
