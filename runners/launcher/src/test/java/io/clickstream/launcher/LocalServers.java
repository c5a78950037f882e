package io.clickstream.launcher;

import io.clickstream.core.RedisKeys;
import io.clickstream.pipeline.testing.Await;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

/** Servers of the tests' own on 127.0.0.1, and waiting for what the commands under test start. */
final class LocalServers {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private LocalServers() {}

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A real redis-server on a free loopback port, with nothing on disk. */
  record LocalRedis(RedisServer server, String url, JedisPooled client) implements AutoCloseable {

    static LocalRedis start() throws IOException {
      int port = freePort();
      RedisServer server =
          RedisServer.builder().port(port).bind("127.0.0.1").setting("save \"\"").build();
      server.start();
      String url = "redis://127.0.0.1:" + port;
      return new LocalRedis(server, url, new JedisPooled(URI.create(url)));
    }

    @Override
    public void close() throws IOException {
      client.close();
      server.stop();
    }
  }

  /**
   * Asks the API on {@code port} for its health until it answers 200, for at most 3 minutes,
   * keeping the other answers in {@code notYet}; before the API listens there is no answer at all.
   */
  static void awaitHealth(int port, List<HttpResponse<String>> notYet) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/health"))
            .timeout(Duration.ofSeconds(10))
            .build();
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
      // Often: in a JVM that has run a pipeline before, the demo gets from listening to ready in
      // far less
      // than 100 ms, and a health check in that gap is what DemoReadinessTest is about.
      Thread.sleep(10);
    }
    throw new AssertionError(
        "health did not answer 200 within 3 minutes; last answer: "
            + (notYet.isEmpty() ? "none" : notYet.get(notYet.size() - 1).body()));
  }

  /**
   * Waits until the pipeline writing to {@code redis} reports a watermark past {@code millis}: it
   * has then read, and counted, every row written before that moment.
   */
  static void awaitWatermarkPast(JedisPooled redis, long millis, Duration timeout)
      throws Exception {
    boolean past = Await.until(timeout, () -> Await.watermark(redis) > millis);
    if (!past) {
      throw new AssertionError(
          "the pipeline's watermark did not pass "
              + Instant.ofEpochMilli(millis)
              + " within "
              + timeout
              + "; status: "
              + redis.hgetAll(RedisKeys.PIPELINE_STATUS));
    }
  }
}
