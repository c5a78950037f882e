package io.clickstream.storm;

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
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/**
 * The integration dataset (the Flink tests' {@link Dataset}) on StormRunner and on the Direct
 * runner, in this JVM against a real HBase mini cluster and a real Redis: each must equal the
 * plain-Java oracle — counts, funnels of both scopes, the catalog, dead letters — so their
 * aggregates are identical.
 */
class StormMatchesOracleTest {

  @Test
  void theSameDatasetGivesTheSameAggregatesOnDirectAndOnStorm() throws Exception {
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
    PipelineResult storm = ClickstreamPipeline.run(options(data, "--runner=StormRunner"));
    try {
      data.awaitWatermarkAndAssertRedisEqualsOracle(Duration.ofSeconds(180));
      assertThat(data.redis.hget("cs:pipeline", "runner")).isEqualTo("StormRunner");
      assertThat(storm.getState()).isEqualTo(PipelineResult.State.RUNNING);
      assertThat(RedisCounts.all(data.redis)).isEqualTo(onDirect);
    } finally {
      storm.cancel();
    }
  }

  /** As the launcher builds them: Clickstream's options with the runner's passed through. */
  static ClickstreamOptions options(Dataset data, String... runnerArgs) {
    List<String> args = new ArrayList<>(data.pipelineArgs());
    args.addAll(List.of(runnerArgs));
    PipelineOptionsFactory.register(ClickstreamOptions.class);
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
        .withValidation()
        .as(ClickstreamOptions.class);
  }
}
