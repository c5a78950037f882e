package io.clickstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.RedisKeys;
import io.clickstream.flink.testing.ChildJvm;
import io.clickstream.flink.testing.Dataset;
import io.clickstream.flink.testing.RunPipelineMain;
import io.clickstream.pipeline.testing.Await;
import io.clickstream.pipeline.testing.EventsTable;
import io.clickstream.pipeline.testing.RedisCounts;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Direct runner keeps nothing across processes: killed with SIGKILL mid-stream, a pipeline
 * restarted without a start position resumes from the read position it recorded in Redis, less the
 * replay, and the idempotent writer absorbs what it reads twice. Redis must end equal to the
 * oracle. (It lives with the Flink tests for their child-JVM harness.)
 */
class KilledDirectPipelineMatchesOracleTest {

  @Test
  void aKilledDirectPipelineRestartedFromItsRecordedPositionEqualsTheOracle() throws Exception {
    Dataset data = new Dataset(13, 300);
    List<String> args = data.restartArgs();
    args.add("--runner=DirectRunner");

    EventsTable.write(data.firstHalf());
    try (ChildJvm first =
        ChildJvm.start(
            "direct-first", ChildJvm.testClasspath(), RunPipelineMain.class.getName(), args)) {
      boolean going =
          Await.until(
              Duration.ofSeconds(120),
              () ->
                  !RedisCounts.all(data.redis).isEmpty()
                      && !data.redis.hgetAll(RedisKeys.READ_POSITIONS).isEmpty());
      assertThat(going)
          .as("the first run counts and records its position; its log ends:%n%s", first.logTail())
          .isTrue();
      first.kill();
    }

    EventsTable.write(data.secondHalf());
    try (ChildJvm second =
        ChildJvm.start(
            "direct-restarted", ChildJvm.testClasspath(), RunPipelineMain.class.getName(), args)) {
      try {
        data.awaitWatermarkAndAssertRedisEqualsOracle(Duration.ofSeconds(180));
      } catch (AssertionError e) {
        throw new AssertionError(
            e.getMessage() + "\nrestarted pipeline's log ends:\n" + second.logTail(), e);
      }
    }
  }
}
