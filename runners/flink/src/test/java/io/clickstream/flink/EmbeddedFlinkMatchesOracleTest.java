package io.clickstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.flink.testing.Dataset;
import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.ClickstreamPipeline;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.RedisCounts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
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
    EventsTable.write(data.firstHalf());
    PipelineResult direct =
        ClickstreamPipeline.run(options(data, "--runner=DirectRunner", "--blockOnRun=false"));
    Map<String, Long> onDirect;
    try {
      EventsTable.write(data.secondHalf());
      data.awaitWatermarkAndAssertRedisEqualsOracle(Duration.ofSeconds(180));
      onDirect = RedisCounts.all(data.redis);
    } finally {
      direct.cancel();
    }

    data.resetRedis();
    ClickstreamOptions options =
        options(data, "--runner=FlinkRunner", "--parallelism=2", "--checkpointingInterval=2000");
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

  /** As the launcher builds them: Clickstream's options with the runner's passed through. */
  private static ClickstreamOptions options(Dataset data, String... runnerArgs) {
    List<String> args = new ArrayList<>(data.pipelineArgs());
    args.addAll(List.of(runnerArgs));
    PipelineOptionsFactory.register(ClickstreamOptions.class);
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
        .withValidation()
        .as(ClickstreamOptions.class);
  }
}
