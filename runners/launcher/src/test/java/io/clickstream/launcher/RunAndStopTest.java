package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.EventTable;
import io.clickstream.core.RedisKeys;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

/** {@code analytics run} keeps the pipeline running until {@code analytics stop} asks it to stop. */
class RunAndStopTest {

  @TempDir Path home;

  @AfterEach
  void forgetHome() {
    System.clearProperty("clickstream.home");
  }

  @ParameterizedTest(name = "on {0}")
  @ValueSource(strings = {"DirectRunner", "FlinkRunner"})
  void runKeepsThePipelineGoingUntilStopAsksAndThenWithdrawsCleanly(String runner) throws Exception {
    System.setProperty("clickstream.home", home.toString());
    EmbeddedHBase hbase = MiniHBase.get();
    try (Connection connection = ConnectionFactory.createConnection(hbase.util().getConfiguration());
        Admin admin = connection.getAdmin()) {
      EventTable.createIfMissing(admin);
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    RedisServer redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").build();
    redis.start();
    try (JedisPooled jedis = new JedisPooled(URI.create("redis://127.0.0.1:" + port))) {
      CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> Run.of("run", "--hbase-zk", hbase.zk(),
          "--redis", "redis://127.0.0.1:" + port, "--runner=" + runner));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (jedis.hget(RedisKeys.PIPELINE_STATUS, RedisKeys.STATUS_HEARTBEAT_MS) == null && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(jedis.hget(RedisKeys.PIPELINE_STATUS, RedisKeys.STATUS_RUNNER)).isEqualTo(runner);
      assertThat(RunningPipeline.running()).isEqualTo(ProcessHandle.current().pid());

      Run stop = Run.of("stop");

      assertThat(stop.exitCode()).as(stop.toString()).isZero();
      assertThat(stop.out()).contains("Stopped the pipeline");
      Run finished = run.get(30, TimeUnit.SECONDS);
      assertThat(finished.exitCode()).as(finished.toString()).isZero();
      assertThat(finished.err()).contains("Starting the pipeline on " + runner, "Stopped.");
      assertThat(RunningPipeline.running()).isEqualTo(-1);
      assertThat(Run.of("stop").exitCode()).isEqualTo(Analytics.EXIT_ERROR);
    } finally {
      redis.stop();
    }
  }
}
