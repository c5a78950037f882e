package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.EmbeddedHBase;
import io.clickstream.core.generator.JourneyGenerator;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void onceHealthAnswers200TheDiscoveryFileNamesTheApiAndLoadFindsTheDemo() throws Exception {
    System.setProperty("clickstream.home", home.toString());
    EmbeddedHBase hbase = MiniHBase.get();
    int port = LocalServers.freePort();
    Background demo =
        Background.start("demo", "--hbase-zk", hbase.zk(), "--port", String.valueOf(port));
    try {
      List<HttpResponse<String>> notYet = new ArrayList<>();
      LocalServers.awaitHealth(port, notYet);
      System.out.println("health answered " + notYet.size() + " times before 200");
      Discovery.DemoInfo info = Discovery.read(home.resolve("demo.json"));
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
    } finally {
      demo.thread().interrupt();
    }
    Run stopped = demo.end();
    assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
    assertThat(stopped.out())
        .contains("Data:       temporary: deleted when the demo stops (--data-dir DIR keeps it)");
    assertThat(stopped.err()).contains("Stopped.");
    assertThat(home.resolve("demo.json")).doesNotExist();
  }
}
