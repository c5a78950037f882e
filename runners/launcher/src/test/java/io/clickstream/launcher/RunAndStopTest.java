package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.EmbeddedHBase;
import io.clickstream.core.EventTable;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.RedisUrls;
import io.clickstream.pipeline.testing.Await;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.JedisPooled;

/**
 * {@code analytics run} keeps the pipeline running until {@code analytics stop} asks it to stop.
 */
class RunAndStopTest {

  @TempDir Path home;

  @AfterEach
  void forgetHome() {
    System.clearProperty("clickstream.home");
  }

  @ParameterizedTest(name = "on {0}")
  @ValueSource(strings = {"DirectRunner", "FlinkRunner", "StormRunner"})
  void runKeepsThePipelineGoingUntilStopAsksAndThenWithdrawsCleanly(String runner)
      throws Exception {
    System.setProperty("clickstream.home", home.toString());
    EmbeddedHBase hbase = MiniHBase.get();
    try (Connection connection =
            ConnectionFactory.createConnection(hbase.util().getConfiguration());
        Admin admin = connection.getAdmin()) {
      EventTable.createIfMissing(admin);
    }
    try (LocalServers.LocalRedis redis = LocalServers.LocalRedis.start()) {
      Background run =
          Background.start(
              "run", "--hbase-zk", hbase.zk(), "--redis", redis.url(), "--runner=" + runner);
      awaitHeartbeat(redis.client());
      assertThat(redis.client().hget(RedisKeys.PIPELINE_STATUS, RedisKeys.STATUS_RUNNER))
          .isEqualTo(runner);
      assertThat(RunningPipeline.running()).isEqualTo(ProcessHandle.current().pid());

      Run stop = Run.of("stop");

      assertThat(stop.exitCode()).as(stop.toString()).isZero();
      assertThat(stop.out()).contains("Stopped the pipeline");
      Run finished = run.end();
      assertThat(finished.exitCode()).as(finished.toString()).isZero();
      assertThat(finished.err()).contains("Starting the pipeline on " + runner, "Stopped.");
      assertThat(RunningPipeline.running()).isEqualTo(-1);
      assertThat(Run.of("stop").exitCode()).isEqualTo(Analytics.EXIT_ERROR);
    }
  }

  @Test
  void runFindsADemoStartedWithoutPipelineAndRunsThePipelineAgainstIt() throws Exception {
    System.setProperty("clickstream.home", home.toString());
    EmbeddedHBase hbase = MiniHBase.get();
    int port = LocalServers.freePort();
    Background demo =
        Background.start(
            "demo",
            "--no-pipeline",
            "--no-generator",
            "--hbase-zk",
            hbase.zk(),
            "--port",
            String.valueOf(port));
    try {
      LocalServers.awaitHealth(port, new ArrayList<>());
      Discovery.DemoInfo info = Discovery.runningDemo();
      assertThat(info.runsPipeline()).isFalse();

      Background run = Background.start("run", "--runner=DirectRunner");
      try (JedisPooled redis = new JedisPooled(URI.create(info.redisUrl()))) {
        awaitHeartbeat(redis);
        assertThat(redis.hget(RedisKeys.PIPELINE_STATUS, RedisKeys.STATUS_RUNNER))
            .isEqualTo("DirectRunner");
      } finally {
        Run stop = Run.of("stop");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
      }
      Run finished = run.end();
      assertThat(finished.exitCode()).as(finished.toString()).isZero();
      assertThat(finished.err())
          .contains(
              "Using the demo's HBase at " + info.hbaseZk(),
              "Using the demo's Redis at " + RedisUrls.masked(info.redisUrl()),
              "Stopped.")
          .doesNotContain(URI.create(info.redisUrl()).getUserInfo());
    } finally {
      demo.thread().interrupt();
    }
    Run stopped = demo.end();
    assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
    assertThat(stopped.err())
        .contains("[4/5] No pipeline (--no-pipeline)")
        .doesNotContain("cancelling the pipeline");
    assertThat(stopped.out()).contains("Pipeline:   none (--no-pipeline)");
  }

  private static void awaitHeartbeat(JedisPooled redis) throws Exception {
    boolean beating =
        Await.until(
            Duration.ofSeconds(60),
            () -> redis.hget(RedisKeys.PIPELINE_STATUS, RedisKeys.STATUS_HEARTBEAT_MS) != null);
    assertThat(beating).as("the pipeline's heartbeat in Redis within 60 s").isTrue();
  }
}
