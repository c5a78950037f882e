package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.generator.JourneyGenerator;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code analytics demo} as a script sees it: wait for {@code /api/health} to answer 200, then use the
 * demo. The demo runs in this JVM on its one HBase mini cluster ({@link MiniHBase}, through
 * {@code --hbase-zk}) rather than a second one, with its own embedded Redis, pipeline and generator.
 */
class DemoReadinessTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path home;

  @AfterEach
  void forgetHome() {
    System.clearProperty("clickstream.home");
  }

  @Test
  void onceHealthAnswers200TheDiscoveryFileNamesTheApiAndLoadFindsTheDemo() throws Exception {
    System.setProperty("clickstream.home", home.toString());
    EmbeddedHBase hbase = MiniHBase.get();
    int port = freePort();
    CompletableFuture<Run> demo = new CompletableFuture<>();
    Thread thread = new Thread(
        () -> demo.complete(Run.of("demo", "--hbase-zk", hbase.zk(), "--port", String.valueOf(port))), "demo");
    thread.start();
    try {
      List<HttpResponse<String>> notYet = new ArrayList<>();
      awaitHealth(port, notYet);
      System.out.println("health answered " + notYet.size() + " times before 200");
      Discovery.DemoInfo info = Discovery.read(home.resolve("demo.json"));
      Path events = Files.writeString(home.resolve("one.jsonl"),
          new JourneyGenerator(11).batch(1, Instant.now(), Duration.ofMinutes(1)).get(0) + "\n");
      Run load = Run.of("load", events.toString());

      assertThat(info).as("demo.json once health answers 200").isNotNull();
      assertThat(info.apiUrl()).isEqualTo("http://127.0.0.1:" + port + "/");
      assertThat(info.pid()).isEqualTo(ProcessHandle.current().pid());
      assertThat(notYet).allSatisfy(reply -> {
        assertThat(reply.statusCode()).isEqualTo(503);
        assertThat(reply.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(reply.body()).contains("\"status\":\"starting\"");
      });
      assertThat(load.exitCode()).as(load.toString()).isZero();
      assertThat(load.err()).contains("Using the demo's HBase at " + hbase.zk());
    } finally {
      thread.interrupt();
    }
    Run stopped = demo.get(60, TimeUnit.SECONDS);
    assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
    assertThat(stopped.err()).contains("Stopped.");
    assertThat(home.resolve("demo.json")).doesNotExist();
  }

  /**
   * Asks for health until it answers 200, for at most 3 minutes, keeping the other answers in
   * {@code notYet}; before the API listens there is no answer at all.
   */
  private static void awaitHealth(int port, List<HttpResponse<String>> notYet) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/health"))
        .timeout(Duration.ofSeconds(10)).build();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> reply = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (reply.statusCode() == 200) {
          return;
        }
        notYet.add(reply);
      } catch (IOException e) {
        // not listening yet
      }
      // Often: in a JVM that has run a pipeline before, the demo gets from listening to ready in far less
      // than 100 ms, and a health check in that gap is what this test is about.
      Thread.sleep(10);
    }
    throw new AssertionError("health did not answer 200 within 3 minutes; last answer: "
        + (notYet.isEmpty() ? "none" : notYet.get(notYet.size() - 1).body()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
