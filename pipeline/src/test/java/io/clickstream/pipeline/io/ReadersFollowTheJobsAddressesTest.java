package io.clickstream.pipeline.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.RedisReadPositions;
import io.clickstream.pipeline.io.EventsUnboundedSource.Settings;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.SerializableUtils;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A split restored from a savepoint carries the addresses of the run that took it; its reader
 * connects where the running job's options say (SavepointFromAnEarlierBuildMatchesOracleTest
 * restores a real one).
 */
class ReadersFollowTheJobsAddressesTest {

  private static final ClickstreamOptions THEN =
      PipelineOptionsFactory.fromArgs("--hbaseZk=10.0.0.1:2181", "--redisUrl=redis://10.0.0.1:6379")
          .as(ClickstreamOptions.class);
  private static final ClickstreamOptions NOW =
      PipelineOptionsFactory.fromArgs(
              "--hbaseZk=127.0.0.1:40123", "--redisUrl=redis://127.0.0.1:40124")
          .as(ClickstreamOptions.class);

  @Test
  void aSplitBuiltFromTheOptionsReadsFromTheHBaseAndRecordsInTheRedisOfTheJobRunningIt() {
    Settings then =
        settingsOf(
            ReadEventsFromHBase.following(THEN)
                .persistingPositionIn(new RedisReadPositions(THEN.getRedisUrl()), Duration.ZERO));
    // As a savepoint holds it: serialized, then read back by another job.
    Settings restored = SerializableUtils.clone(then);

    Settings now = restored.addressedBy(NOW);

    assertThat(now.hbaseZk()).isEqualTo("127.0.0.1:40123");
    assertThat(now.positions().at(NOW))
        .as("positions already at NOW's Redis")
        .isSameAs(now.positions());
    assertThat(now.positions().at(THEN)).isNotSameAs(now.positions());
    assertThat(now.addressedBy(NOW)).as("nothing to move a second time").isSameAs(now);
  }

  @Test
  void aSplitGivenItsAddressExplicitlyKeepsIt() {
    Settings pinned =
        settingsOf(
            ReadEventsFromHBase.from("10.0.0.1:2181")
                .persistingPositionIn(new RedisReadPositions(THEN.getRedisUrl()), Duration.ZERO));

    assertThat(pinned.addressedBy(NOW)).isSameAs(pinned);
  }

  private static Settings settingsOf(ReadEventsFromHBase read) {
    return read.source().settings();
  }
}
