package io.clickstream.storm;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.RedisKeys;
import io.clickstream.flink.testing.Dataset;
import io.clickstream.pipeline.ClickstreamPipeline;
import io.clickstream.pipeline.testing.Await;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.RedisCounts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;
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
    Map<String, Long> onDirect = data.countedOnDirect();

    PipelineResult storm = ClickstreamPipeline.run(data.options("--runner=StormRunner"));
    try {
      data.awaitWatermarkAndAssertRedisEqualsOracle(Duration.ofSeconds(180));
      assertThat(data.redis.hget("cs:pipeline", "runner")).isEqualTo("StormRunner");
      assertThat(storm.getState()).isEqualTo(PipelineResult.State.RUNNING);
      assertThat(RedisCounts.all(data.redis)).isEqualTo(onDirect);
    } finally {
      storm.cancel();
    }
  }

  /**
   * The guarantee chosen (docs/runners.md, "Storm"): state is in memory, so a topology killed at
   * once mid-stream loses its open sessions and its unacked tuples; restarted without a start
   * position, the source resumes from the read position its last finalized checkpoint mark recorded
   * in Redis, less the replay, with empty state, and the idempotent writer absorbs what is counted
   * twice. Redis must end equal to the oracle.
   */
  @Test
  void aTopologyKilledMidStreamAndRestartedFromItsRecordedPositionEqualsTheOracle()
      throws Exception {
    Dataset data = new Dataset(13, 300);
    List<String> args = data.restartArgs();
    args.add("--runner=StormRunner");

    EventsTable.write(data.firstHalf());
    PipelineResult first = ClickstreamPipeline.run(Dataset.options(args));
    try {
      boolean going =
          Await.until(
              Duration.ofSeconds(120),
              () ->
                  !RedisCounts.all(data.redis).isEmpty()
                      && !data.redis.hgetAll(RedisKeys.READ_POSITIONS).isEmpty());
      assertThat(going).as("the first topology counts and records its read position").isTrue();
    } finally {
      // LocalCluster.KILL_NOW: no drain, every worker's state and in-flight tuple gone.
      first.cancel();
    }
    assertThat(first.getState()).isEqualTo(PipelineResult.State.CANCELLED);

    EventsTable.write(data.secondHalf());
    PipelineResult restarted = ClickstreamPipeline.run(Dataset.options(args));
    try {
      data.awaitWatermarkAndAssertRedisEqualsOracle(Duration.ofSeconds(180));
    } finally {
      restarted.cancel();
    }
  }

  /** As the launcher builds them: Clickstream's options with the runner's passed through. */
}
