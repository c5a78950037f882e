package io.clickstream.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The discovery file a running {@code ./analytics demo} writes, {@code demo.json} in the
 * Clickstream home ({@code $CLICKSTREAM_HOME}, else {@code ~/.clickstream}; the system property
 * {@code clickstream.home} overrides both): where its API and HBase are, and the token its reads
 * need. The launcher writes it; {@link Clickstream#connect()} reads it.
 *
 * @param pid the demo's process; a file whose process is gone is stale (a demo killed with SIGKILL)
 * @param apiUrl the API and dashboard, {@code http://127.0.0.1:4567/}
 * @param hbaseZk HBase's ZooKeeper, {@code host:port}
 * @param readToken the token reads need, or null when reads are open
 */
public record DemoFile(long pid, String apiUrl, String hbaseZk, String readToken) {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public static Path home() {
    String property = System.getProperty("clickstream.home");
    if (property != null && !property.isBlank()) {
      return Paths.get(property);
    }
    String env = System.getenv("CLICKSTREAM_HOME");
    if (env != null && !env.isBlank()) {
      return Paths.get(env);
    }
    return Paths.get(System.getProperty("user.home"), ".clickstream");
  }

  public static Path path() {
    return home().resolve("demo.json");
  }

  /**
   * The running demo's file.
   *
   * @throws ClickstreamException when there is no file, it cannot be read, or its demo is gone
   */
  static DemoFile running() {
    Path file = path();
    String fix = "start ./analytics demo, or use Clickstream.connect(\"http://host:port\")";
    JsonNode node;
    try {
      node = MAPPER.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new ClickstreamException("no demo is running (" + file + " does not exist): " + fix, e);
    } catch (IOException e) {
      throw new ClickstreamException("cannot read " + file + ": " + e.getMessage() + "; " + fix, e);
    }
    if (node == null || !node.path("pid").canConvertToLong() || !node.path("api_url").isTextual()) {
      throw new ClickstreamException(
          file + " holds no pid and api_url: " + fix, new IOException("unexpected content"));
    }
    DemoFile demo =
        new DemoFile(
            node.get("pid").longValue(),
            node.get("api_url").textValue(),
            node.path("hbase_zk").asText(null),
            node.path("read_token").asText(null));
    if (!ProcessHandle.of(demo.pid()).map(ProcessHandle::isAlive).orElse(false)) {
      throw new ClickstreamException(
          file + " was written by pid " + demo.pid() + ", which is no longer running: " + fix,
          new IOException("stale discovery file"));
    }
    return demo;
  }
}
