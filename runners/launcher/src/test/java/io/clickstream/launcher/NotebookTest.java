package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.api.ApiConfig;
import io.clickstream.api.ApiServer;
import io.clickstream.client.Clickstream;
import io.clickstream.core.RedisKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./analytics notebook --execute} runs a jshell script with {@code cs} connected to the
 * running demo, found through its discovery file (a real API server on a real redis-server whose
 * reads need a token), and stops at the first snippet that fails, with exit code 1.
 */
class NotebookTest {

  private static final String READ_TOKEN = "notebook-read-token-0123456789";
  private static final String RANGE = "\"2024-05-01T10:00:00Z\", \"2024-05-01T13:00:00Z\"";

  private static LocalServers.LocalRedis redis;
  private static ApiServer api;

  @TempDir Path home;

  @BeforeAll
  static void startApi() throws Exception {
    redis = LocalServers.LocalRedis.start();
    api =
        new ApiServer(
            new ApiConfig(
                "127.0.0.1",
                0,
                redis.url(),
                null,
                "api-token-0123456789",
                READ_TOKEN,
                java.util.List.of()));
    api.start();
    String search = RedisKeys.eventMetric("search");
    long minute = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli() / 60_000;
    redis.client().hincrBy(RedisKeys.counts(search, "source", minute), "google", 7);
    redis.client().hincrBy(RedisKeys.counts(search, "source", minute + 30), "bing", 3);
  }

  @AfterAll
  static void stopApi() throws Exception {
    api.close();
    redis.close();
  }

  @BeforeEach
  void announceTheDemo() throws Exception {
    System.setProperty("clickstream.home", home.toString());
    Discovery.write(
        new Discovery.DemoInfo(
            ProcessHandle.current().pid(),
            "127.0.0.1:1",
            redis.url(),
            "http://127.0.0.1:" + api.port() + "/",
            true,
            READ_TOKEN));
  }

  @AfterEach
  void forgetTheDemo() {
    System.clearProperty("clickstream.home");
  }

  @Test
  void executeRunsTheScriptWithCsConnectedToTheDemoAndPrintsWhatItShows() throws Exception {
    Path script =
        write(
            "var top = cs.top(\"search\").by(\"source\").between("
                + RANGE
                + ");\n"
                + "top.show();\n"
                + "int total = 0;\n"
                + "for (List<Object> row : top.rows()) {\n"
                + "  total += ((Number) row.get(3)).intValue();\n"
                + "}\n"
                + "System.out.println(\"total \" + total);\n"
                + "/exit\n"
                + "System.out.println(\"not run\");\n");

    Run run = Run.of("notebook", "--execute", script.toString());

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo(shownByTheClient() + "total 10\n");
  }

  @Test
  void aSnippetTheServerRefusesStopsTheScriptWithExitCode1NamingTheField() throws Exception {
    Path script =
        write(
            "System.out.println(\"first\");\n"
                + "cs.top(\"search\").between("
                + RANGE
                + ").show();\n"
                + "System.out.println(\"not run\");\n");

    Run run = Run.of("notebook", "--execute", script.toString());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(Analytics.EXIT_JOB_FAILED);
    assertThat(run.out()).isEqualTo("first\n");
    assertThat(run.err())
        .contains(
            "error: snippet 2 threw io.clickstream.client.ClickstreamException: by: required");
  }

  @Test
  void aSnippetThatDoesNotCompileStopsTheScriptWithExitCode1() throws Exception {
    Path script = write("int x = \"text\";\nSystem.out.println(\"not run\");\n");

    Run run = Run.of("notebook", "--execute", script.toString());

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(Analytics.EXIT_JOB_FAILED);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("error: snippet 1 does not compile (", "int x = \"text\";");
  }

  @Test
  void withoutARunningDemoTheNotebookSaysHowToStartOne() throws Exception {
    Files.delete(Discovery.demoFile());

    Run run = Run.of("notebook", "--execute", write("1 + 1;").toString());

    assertThat(run.exitCode()).isEqualTo(Analytics.EXIT_ERROR);
    assertThat(run.err()).contains("no demo is running", "start ./analytics demo");
  }

  private Path write(String script) throws Exception {
    return Files.writeString(home.resolve("script.jsh"), script);
  }

  /** What the client itself prints for the script's query, connected as the notebook is. */
  private static String shownByTheClient() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    Clickstream.connect()
        .top("search")
        .by("source")
        .between("2024-05-01T10:00:00Z", "2024-05-01T13:00:00Z")
        .run()
        .show(new PrintStream(printed, true, StandardCharsets.UTF_8));
    String table = printed.toString(StandardCharsets.UTF_8);
    assertThat(table).contains("google", "bing");
    return table;
  }
}
