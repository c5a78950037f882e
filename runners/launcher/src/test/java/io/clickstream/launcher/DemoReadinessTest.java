package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clickstream.core.EmbeddedHBase;
import io.clickstream.core.generator.JourneyGenerator;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.util.SafeEncoder;

/**
 * {@code analytics demo} as a script sees it: wait for {@code /api/health} to answer 200, then use
 * the demo. The demo runs in this JVM on its one HBase mini cluster ({@link MiniHBase}, through
 * {@code --hbase-zk}) rather than a second one, with its own embedded Redis, pipeline and
 * generator.
 */
class DemoReadinessTest {

  @TempDir Path home;

  @AfterEach
  void forgetHome() {
    System.clearProperty("clickstream.home");
  }

  private static ProtocolCommand command(String name) {
    return () -> SafeEncoder.encode(name);
  }

  @Test
  void onceHealthAnswers200TheDiscoveryFileNamesTheApiAndLoadFindsTheDemo() throws Exception {
    System.setProperty("clickstream.home", home.toString());
    EmbeddedHBase hbase = MiniHBase.get();
    int port = LocalServers.freePort();
    Background demo =
        Background.start("demo", "--hbase-zk", hbase.zk(), "--port", String.valueOf(port));
    URI redisUrl;
    String password;
    try {
      List<HttpResponse<String>> notYet = new ArrayList<>();
      LocalServers.awaitHealth(port, notYet);
      System.out.println("health answered " + notYet.size() + " times before 200");
      Discovery.DemoInfo info = Discovery.read(home.resolve("demo.json"));
      redisUrl = URI.create(info.redisUrl());
      password = redisUrl.getUserInfo().substring(1);
      Path events =
          Files.writeString(
              home.resolve("one.jsonl"),
              new JourneyGenerator(11).batch(1, Instant.now(), Duration.ofMinutes(1)).get(0)
                  + "\n");
      Run load = Run.of("load", events.toString());

      assertThat(info).as("demo.json once health answers 200").isNotNull();
      assertThat(info.apiUrl()).isEqualTo("http://127.0.0.1:" + port + "/");
      assertThat(info.pid()).isEqualTo(ProcessHandle.current().pid());
      assertThat(info.runsPipeline()).isTrue();
      assertThat(notYet)
          .allSatisfy(
              reply -> {
                assertThat(reply.statusCode()).isEqualTo(503);
                assertThat(reply.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(reply.body()).contains("\"status\":\"starting\"");
              });
      assertThat(load.exitCode()).as(load.toString()).isZero();
      assertThat(load.err()).contains("Using the demo's HBase at " + hbase.zk());

      // The embedded Redis: a password, which demo.json alone holds, and no CONFIG, DEBUG or
      // MODULE.
      assertThat(info.redisUrl()).matches("redis://:[A-Za-z0-9_-]{32}@127\\.0\\.0\\.1:\\d+");
      assertThat(Files.getPosixFilePermissions(home.resolve("demo.json")))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      try (Jedis stranger = new Jedis(redisUrl.getHost(), redisUrl.getPort())) {
        assertThatThrownBy(stranger::ping).hasMessageContaining("NOAUTH");
        assertThatThrownBy(() -> stranger.auth("guess")).hasMessageContaining("WRONGPASS");
      }
      try (Jedis owner = new Jedis(redisUrl)) {
        assertThat(owner.ping()).isEqualTo("PONG");
        assertThatThrownBy(() -> owner.sendCommand(command("CONFIG"), "SET", "dir", "/tmp"))
            .hasMessageContaining("unknown command 'CONFIG'");
        assertThatThrownBy(() -> owner.sendCommand(command("DEBUG"), "SLEEP", "0"))
            .hasMessageContaining("unknown command 'DEBUG'");
        assertThatThrownBy(() -> owner.sendCommand(command("MODULE"), "LOAD", "/tmp/x.so"))
            .hasMessageContaining("unknown command 'MODULE'");
        assertThat(owner.info("server")).contains("redis_version:7.0.15");
      }
      assertThat(
              new DemoApi(port, null)
                  .getJson("/api/notebooks/" + StarterNotebook.ID)
                  .path("title")
                  .asText())
          .as("the starter notebook the demo ships with")
          .isEqualTo("Where do customers drop off?");
      assertThat(new DemoApi(port, null).getJson("/api/health").at("/redis/version").asText())
          .as("the API names the version")
          .isEqualTo("7.0.15");
    } finally {
      demo.thread().interrupt();
    }
    Run stopped = demo.end();
    assertThat(stopped.out() + stopped.err())
        .as("the password is never printed")
        .doesNotContain(password)
        .contains("Redis:      redis://:***@127.0.0.1:" + redisUrl.getPort());
    assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
    assertThat(stopped.out())
        .contains("Data:       temporary: deleted when the demo stops (--data-dir DIR keeps it)");
    assertThat(stopped.err()).contains("Stopped.");
    assertThat(home.resolve("demo.json")).doesNotExist();
  }
}
