package io.clickstream.pipeline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

/**
 * One real redis-server per test JVM, on a free loopback port; tests flush it between scenarios.
 */
public final class SharedRedis {

  private static RedisServer server;
  private static String url;

  private SharedRedis() {}

  public static synchronized String url() {
    if (server == null) {
      try {
        int port = freePort();
        server = RedisServer.builder().port(port).bind("127.0.0.1").setting("save \"\"").build();
        server.start();
        url = "redis://127.0.0.1:" + port;
        // embedded-redis stops the server from a shutdown hook of its own when the JVM exits.
      } catch (IOException e) {
        throw new UncheckedIOException("could not start the embedded redis-server", e);
      }
    }
    return url;
  }

  /** A free loopback port, for a test that starts a redis-server of its own. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A fresh, empty Redis: flushes everything. */
  public static JedisPooled flushed() {
    JedisPooled redis = new JedisPooled(java.net.URI.create(url()));
    redis.flushAll();
    return redis;
  }
}
