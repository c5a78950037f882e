package io.clickstream.bench;

import java.io.IOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;

/** The benchmarks' redis-server: loopback, on a free port, keeping nothing on disk. */
final class BenchRedis {

  private BenchRedis() {}

  /**
   * Starts one, stopped by embedded-redis's own shutdown hook when the benchmark's JVM exits.
   *
   * @return its URL
   */
  static String startOnAFreePort() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    RedisServer.builder().port(port).bind("127.0.0.1").setting("save \"\"").build().start();
    return "redis://127.0.0.1:" + port;
  }
}
