package io.clickstream.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.client.DemoFile;
import io.clickstream.core.RedisUrls;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * How {@code load}, {@code generate}, {@code run} and {@code backfill} find a running demo: the
 * demo writes {@code demo.json} into the Clickstream home ({@code $CLICKSTREAM_HOME}, else {@code
 * ~/.clickstream}; the system property {@code clickstream.home} overrides both) and deletes it when
 * it stops. A file whose pid is no longer alive is stale (a demo killed with SIGKILL) and is
 * ignored.
 */
final class Discovery {

  static final String FIX = "start ./analytics demo, or pass --hbase-zk host:port";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * What a running demo tells the other commands, and the Java client ({@link DemoFile}, which
   * reads this file too).
   *
   * @param runsPipeline false for {@code demo --no-pipeline}, whose pipeline {@code run} starts
   * @param readToken the token the API's reads need, or null when they are open: the client
   *     connecting through this file sends it
   */
  record DemoInfo(
      long pid,
      String hbaseZk,
      String redisUrl,
      String apiUrl,
      boolean runsPipeline,
      String readToken) {

    DemoInfo(long pid, String hbaseZk, String redisUrl, String apiUrl, boolean runsPipeline) {
      this(pid, hbaseZk, redisUrl, apiUrl, runsPipeline, null);
    }
  }

  private Discovery() {}

  static Path home() {
    return DemoFile.home();
  }

  static Path demoFile() {
    return DemoFile.path();
  }

  /**
   * Writes the file atomically, so a reader never sees half of it, and mode 0600 from its creation
   * on: the Redis URL in it carries the embedded Redis's password. A missing Clickstream home is
   * created mode 0700. It also holds the read token, if reads need one.
   */
  static Path write(DemoInfo info) throws IOException {
    Path file = demoFile();
    ObjectNode node = MAPPER.createObjectNode();
    node.put("pid", info.pid());
    node.put("hbase_zk", info.hbaseZk());
    node.put("redis_url", info.redisUrl());
    node.put("api_url", info.apiUrl());
    node.put("pipeline", info.runsPipeline());
    if (info.readToken() != null) {
      node.put("read_token", info.readToken());
    }
    PrivateFiles.write(
        file, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n");
    return file;
  }

  /** Deletes the file if it is still this process's (another demo may have replaced it). */
  static void deleteIfOurs(long pid) {
    Path file = demoFile();
    try {
      DemoInfo info = read(file);
      if (info != null && info.pid() == pid) {
        Files.deleteIfExists(file);
      }
    } catch (IOException | RuntimeException e) {
      // Nothing to clean up then; a stale file is recognised by its dead pid anyway.
    }
  }

  /** The file's content, or null when there is no file. */
  static DemoInfo read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    JsonNode node = MAPPER.readTree(text);
    if (node == null
        || !node.path("pid").canConvertToLong()
        || !node.path("hbase_zk").isTextual()) {
      throw new IOException("expected {\"pid\": ..., \"hbase_zk\": \"host:port\", ...}");
    }
    return new DemoInfo(
        node.get("pid").longValue(),
        node.get("hbase_zk").textValue(),
        node.path("redis_url").asText(null),
        node.path("api_url").asText(null),
        node.path("pipeline").asBoolean(true),
        node.path("read_token").asText(null));
  }

  /** The running demo, or null when there is none (no file, or a stale one). */
  static DemoInfo runningDemo() {
    try {
      DemoInfo info = read(demoFile());
      return info != null && isAlive(info.pid()) ? info : null;
    } catch (IOException e) {
      return null;
    }
  }

  static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * The HBase to use: {@code explicitZk} when given, else the running demo's, saying so on {@code
   * err}.
   *
   * @throws UserError when there is neither, naming the fix
   */
  static String resolveHBase(String explicitZk, PrintWriter err) {
    return explicitZk != null ? explicitZk : fromDemo("HBase", DemoInfo::hbaseZk, FIX, err);
  }

  /**
   * The Redis to use: {@code explicitUrl} when given, else the running demo's, saying so on {@code
   * err}.
   */
  static String resolveRedis(String explicitUrl, PrintWriter err) {
    return explicitUrl != null
        ? explicitUrl
        : fromDemo(
            "Redis",
            DemoInfo::redisUrl,
            "start ./analytics demo, or pass --redis redis://host:port",
            err);
  }

  private static String fromDemo(
      String what,
      java.util.function.Function<DemoInfo, String> part,
      String fix,
      PrintWriter err) {
    Path file = demoFile();
    DemoInfo info;
    try {
      info = read(file);
    } catch (IOException e) {
      throw new UserError(
          "no " + what + " to use: cannot read " + file + " (" + e.getMessage() + "); " + fix);
    }
    if (info == null) {
      throw new UserError(
          "no " + what + " to use: no demo is running (" + file + " does not exist); " + fix);
    }
    if (!isAlive(info.pid())) {
      throw new UserError(
          "no "
              + what
              + " to use: "
              + file
              + " was written by pid "
              + info.pid()
              + ", which is no longer running; "
              + fix);
    }
    err.println(
        "Using the demo's "
            + what
            + " at "
            // A Redis URL may carry a password; a ZooKeeper quorum has no "://" and shows as it is.
            + RedisUrls.masked(part.apply(info))
            + " (from "
            + file
            + ", written by the demo running as pid "
            + info.pid()
            + ")");
    err.flush();
    return part.apply(info);
  }
}
