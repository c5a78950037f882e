package io.clickstream.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import redis.embedded.RedisServer;

/**
 * The demo's embedded redis-server, shut to the other users of the machine: it listens on 127.0.0.1
 * only (protected mode on), wants a password that only the demo's files hold, and has no CONFIG,
 * DEBUG or MODULE, which would let whoever has the password write any file the demo's user may
 * (CONFIG SET dir/dbfilename), or load code into it. See docs/runners.md, "The demo's Redis".
 */
final class DemoRedis {

  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * The settings that make it so; the password comes from a file of its own, see {@link #start}.
   */
  static final String[] LOCKED_DOWN = {
    "protected-mode yes",
    // No such commands any more: every subcommand (CONFIG GET, MODULE LIST...) answers "unknown
    // command".
    "rename-command CONFIG \"\"",
    "rename-command DEBUG \"\"",
    "rename-command MODULE \"\"",
    // And, should they come back, Redis 7 refuses DEBUG and MODULE LOAD on any connection.
    "enable-debug-command no",
    "enable-module-command no",
  };

  private DemoRedis() {}

  /** 32 characters of a URL-safe alphabet (192 random bits), usable as they are in a Redis URL. */
  static String newPassword() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** {@code redis://:PASSWORD@127.0.0.1:PORT}, the URL every part of the demo connects with. */
  static String url(String password, int port) {
    return "redis://:" + password + "@127.0.0.1:" + port;
  }

  /**
   * Starts a redis-server on 127.0.0.1:{@code port}, locked down as this class says.
   *
   * <p>embedded-redis writes the settings into a configuration file of its own in the temporary
   * folder, readable by anyone there; so the password goes into {@code private/redis-auth.conf},
   * mode 0600, which that file only {@code include}s.
   *
   * @param dir the server's working folder: its append-only file, when {@code appendOnly}
   * @param privateFolder a folder of the demo's own, where the password's file goes
   */
  static RedisServer start(
      int port, Path dir, boolean appendOnly, String password, Path privateFolder)
      throws IOException {
    Path auth = privateFolder.resolve("redis-auth.conf");
    PrivateFiles.write(auth, "requirepass \"" + password + "\"\n");
    var builder =
        RedisServer.builder()
            .port(port)
            .bind("127.0.0.1")
            .setting("dir \"" + dir + "\"")
            .setting("save \"\"")
            .setting("appendonly " + (appendOnly ? "yes" : "no"));
    for (String setting : LOCKED_DOWN) {
      builder.setting(setting);
    }
    RedisServer server = builder.setting("include \"" + auth + "\"").build();
    server.start();
    return server;
  }
}
