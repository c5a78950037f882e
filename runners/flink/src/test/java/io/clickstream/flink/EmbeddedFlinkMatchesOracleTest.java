package io.clickstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.flink.testing.Dataset;
import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.ClickstreamPipeline;
import io.clickstream.pipeline.testing.RedisCounts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;

/**
 * One dataset, two runners, in this JVM against a real HBase mini cluster and a real Redis: the
 * Direct runner, then Flink embedded as the launcher starts it ({@code --runner=FlinkRunner} and
 * {@link EmbeddedFlink#prepare}; parallelism 2, checkpoints every 2 s). Each must equal the oracle,
 * so their aggregates are identical.
 */
class EmbeddedFlinkMatchesOracleTest {

  @Test
  void theSameDatasetGivesTheSameAggregatesOnDirectAndOnEmbeddedFlink() throws Exception {
    Dataset data = new Dataset(42, 300);
    Map<String, Long> onDirect = data.countedOnDirect();

    ClickstreamOptions options =
        data.options("--runner=FlinkRunner", "--parallelism=2", "--checkpointingInterval=2000");
    EmbeddedFlink.prepare(options, List.of());
    assertThat(options.as(FlinkPipelineOptions.class).getFlinkMaster()).isEqualTo("[local]");
    PipelineResult flink = ClickstreamPipeline.run(options);
    try {
      data.awaitWatermarkAndAssertRedisEqualsOracle(Duration.ofSeconds(180));
      assertThat(data.redis.hget("cs:pipeline", "runner")).isEqualTo("FlinkRunner");
      assertThat(flink.getState()).isEqualTo(PipelineResult.State.RUNNING);
      assertThat(RedisCounts.all(data.redis)).isEqualTo(onDirect);
    } finally {
      flink.cancel();
    }
  }
}
