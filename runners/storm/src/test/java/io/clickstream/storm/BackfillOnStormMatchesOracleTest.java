package io.clickstream.storm;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.flink.testing.Dataset;
import io.clickstream.pipeline.BackfillFunnel;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.FunnelResults;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;

/**
 * {@code ./analytics backfill --runner=StormRunner}: a funnel backfill (a bounded read of HBase
 * history, then the live job's parsing, sessions and funnel evaluation) on StormRunner writes what
 * the plain-Java oracle computes and what the same backfill writes on the Direct runner, for
 * funnels of both scopes, in this JVM against a real HBase mini cluster and a real Redis.
 */
class BackfillOnStormMatchesOracleTest {

  @Test
  void aBackfillOnStormEqualsTheOracleAndWhatTheDirectRunnerWrites() throws Exception {
    Dataset data = new Dataset(21, 150);
    EventsTable.write(data.lines);
    // Versions that go live tomorrow: the backfill counts every session, all of them before it.
    long tomorrow = System.currentTimeMillis() + Duration.ofDays(1).toMillis();
    List<FunnelDefinition> funnels =
        data.funnels.stream().map(f -> f.withVersion(f.version(), tomorrow)).toList();
    // The oracle counts from live_from on: from 0, every session, as the backfill does.
    Map<String, Long> oracle = Dataset.oracle().compute(EventsTable.scan(), data.funnels).counts();

    Map<String, Map<String, Long>> onDirect = backfill(data, funnels, "--runner=DirectRunner");
    data.resetRedis();
    Map<String, Map<String, Long>> onStorm = backfill(data, funnels, "--runner=StormRunner");

    for (FunnelDefinition f : funnels) {
      assertThat(onStorm.get(f.id()))
          .as("the results of %s on Storm", f.id())
          .isNotEmpty()
          .isEqualTo(FunnelResults.of(oracle, f))
          .isEqualTo(onDirect.get(f.id()));
    }
  }

  /**
   * Backfills each funnel over all of history, as if run once every session has finished, and
   * returns each one's results.
   */
  private static Map<String, Map<String, Long>> backfill(
      Dataset data, List<FunnelDefinition> funnels, String runner) {
    long later = System.currentTimeMillis() + Duration.ofMinutes(15).toMillis();
    Map<String, Map<String, Long>> results = new TreeMap<>();
    for (FunnelDefinition f : funnels) {
      PipelineResult job = BackfillFunnel.start(data.options(runner), f, 0, Long.MAX_VALUE, later);
      assertThat(job.waitUntilFinish(org.joda.time.Duration.standardMinutes(2)))
          .as("the backfill of %s with %s", f.id(), runner)
          .isEqualTo(PipelineResult.State.DONE);
      // What `./analytics backfill` reports from the job's metrics.
      assertThat(BackfillFunnel.eventsRead(job)).as("events read").isPositive();
      assertThat(BackfillFunnel.resultsOpen(job)).as("results left open").isZero();
      results.put(f.id(), FunnelResults.of(data.redis, f));
    }
    return results;
  }
}
