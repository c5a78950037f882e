package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.api.ApiConfig;
import io.clickstream.api.ApiServer;
import io.clickstream.api.DashboardBrowser;
import io.clickstream.core.EmbeddedHBase;
import io.clickstream.core.EventParser;
import io.clickstream.core.EventTable;
import io.clickstream.storm.RunningTopologies;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

/**
 * {@code ./analytics demo --runner=StormRunner} as a user runs it (issue 13): it becomes ready, and
 * what {@code ./analytics generate} writes into it is counted by its API as HBase has it. Its
 * history jobs run on Storm too (issue 12), and answer as the same queries on the Direct runner and
 * on an embedded Flink do; {@code ./analytics notebook --execute} answers every query kind on the
 * generated data as the API does, and so does the dashboard's notebook page in a real Chromium. One
 * demo for all (it runs on the JVM's one HBase mini cluster).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoOnStormTest {

  private static final String TOKEN = "storm-demo-token-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every kind of query (docs/notebook.md). */
  private static final Set<String> KINDS =
      Set.of(
          "counts",
          "funnel",
          "sessions",
          "top",
          "compare",
          "funnel_preview",
          "paths",
          "time_to_convert",
          "timeline",
          "sample");

  /** The kinds answered by Beam jobs, whose runner the demo's --runner chooses. */
  private static final Set<String> BEAM_KINDS =
      Set.of("funnel_preview", "paths", "time_to_convert");

  /** The kinds that answer events, not counts. */
  private static final Set<String> RAW_EVENTS = Set.of("timeline", "sample");

  @TempDir static Path home;

  private static EmbeddedHBase hbase;
  private static Background demo;
  private static DemoApi api;
  private static Discovery.DemoInfo info;
  private static Instant from;
  private static Instant to;

  /** The same API on the same data, its history jobs on the Direct runner, and on Flink. */
  private static ApiServer onDirect;

  private static ApiServer onFlink;

  /** The dashboard's notebook in Chromium, on this demo, started by the fixture. */
  private static DashboardBrowser browser;

  /** What the notebook script printed, by kind: the query sent and the answer. */
  private static final Map<String, Answer> notebook = new TreeMap<>();

  private record Answer(String query, JsonNode answer) {}

  @BeforeAll
  static void startTheDemoOnStormGenerateTrafficAndAskTheNotebook() throws Exception {
    System.setProperty("clickstream.home", home.toString());
    // History jobs read the whole table: only this test's events, so that they are quick.
    hbase = MiniHBase.withAnEmptyEventsTable();
    int port = LocalServers.freePort();
    demo =
        Background.start(
            "demo",
            "--runner=StormRunner",
            "--parallelism=1",
            "--no-generator",
            "--hbase-zk",
            hbase.zk(),
            "--port",
            String.valueOf(port),
            "--api-token",
            TOKEN);
    LocalServers.awaitHealth(port, new ArrayList<>());
    info = Discovery.runningDemo();
    api = new DemoApi(port, TOKEN);
    // Before the traffic: a funnel counts from its definition on.
    api.put("/api/funnels/signup", "{\"steps\":" + stepObjects() + "}");
    from = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    Run generate = Run.of("generate", "--duration", "4s", "--rate", "200", "--seed", "13");
    assertThat(generate.exitCode()).as(generate.toString()).isZero();
    long written = System.currentTimeMillis();
    to = Instant.ofEpochMilli(written).truncatedTo(ChronoUnit.SECONDS).plusSeconds(60);
    try (JedisPooled redis = new JedisPooled(URI.create(info.redisUrl()))) {
      LocalServers.awaitWatermarkPast(redis, written, java.time.Duration.ofSeconds(90));
    }
    onDirect = apiWith(List.of());
    onFlink = apiWith(Runners.forHistory(List.of("--runner=FlinkRunner")));
    askEveryKindInTheNotebook();
    openTheNotebooksInABrowser();
  }

  /**
   * Stores a notebook of the script's queries, one cell a kind, and starts the browser test on it
   * and on the starter notebook. In the background: its history jobs run on the demo's Storm while
   * the tests before it ask the APIs on Direct and Flink (~15 s of the browser's ~30).
   */
  private static void openTheNotebooksInABrowser() throws Exception {
    ObjectNode everyKind = JSON.createObjectNode().put("title", "Every kind on the demo's data");
    ArrayNode cells = everyKind.putArray("cells");
    ObjectNode answers = JSON.createObjectNode();
    for (Map.Entry<String, Answer> kind : notebook.entrySet()) {
      cells
          .addObject()
          .put("type", "query")
          .put("live", false)
          .set("query", JSON.readTree(kind.getValue().query()));
      answers.set(kind.getKey(), kind.getValue().answer());
    }
    assertThat(notebook.keySet()).as("a cell of each kind").isEqualTo(KINDS);
    api.put("/api/notebooks/every-kind", JSON.writeValueAsString(everyKind));
    browser =
        DashboardBrowser.start(
            "web/e2e/demo-notebook.test.mjs",
            Map.of(
                "DASHBOARD_URL",
                "http://127.0.0.1:" + api.port() + "/",
                "NOTEBOOK_ID",
                "every-kind",
                "ANSWERS",
                Files.writeString(home.resolve("answers.json"), answers.toString()).toString(),
                "STARTER_ID",
                StarterNotebook.ID));
  }

  /** {@code ./analytics notebook --execute}: every kind of query, each printed with its answer. */
  private static void askEveryKindInTheNotebook() throws Exception {
    Path script =
        Files.writeString(
            home.resolve("every-kind.jsh"),
            String.join(
                "\n",
                "String from = \"" + from + "\", to = \"" + to + "\";",
                "void answer(String kind, Query q) {",
                "  System.out.println(kind + \"\\t\" + q.json() + \"\\t\" + q.run().json());",
                "}",
                "answer(\"counts\", cs.counts(\"page_view\").by(\"source\").between(from, to));",
                "answer(\"funnel\", cs.funnel(\"signup\").between(from, to));",
                "answer(\"sessions\", cs.sessions().by(\"source\").between(from, to));",
                "answer(\"top\", cs.top(\"search\").by(\"source\").between(from, to));",
                "answer(\"compare\", cs.compare(cs.counts(\"search\").between(from, to)));",
                "answer(\"funnel_preview\", cs.preview(Funnel.steps(\"page_view\", \"search\","
                    + " \"register\")).between(from, to));",
                "answer(\"paths\", cs.paths().after(\"search\").between(from, to));",
                "answer(\"time_to_convert\", cs.timeToConvert(\"signup\").between(1, 3)"
                    + ".between(from, to));",
                "var user = (String) cs.sample(\"register\").limit(1).between(from, to)"
                    + ".rows().get(0).get(1);",
                "answer(\"timeline\", cs.timeline(user).between(from, to));",
                "answer(\"sample\", cs.sample(\"search\").where(\"source\", \"google\")"
                    + ".between(from, to));",
                ""));
    Run run = Run.of("notebook", "--execute", script.toString());
    assertThat(run.exitCode()).as(run.toString()).isZero();
    for (String line : run.out().split("\n")) {
      String[] fields = line.split("\t");
      assertThat(fields).as(line).hasSize(3);
      notebook.put(fields[0], new Answer(fields[1], JSON.readTree(fields[2])));
      System.out.println(fields[0] + " took " + JSON.readTree(fields[2]).get("took_ms") + " ms");
    }
  }

  @AfterAll
  static void stopTheDemo() throws Exception {
    System.clearProperty("clickstream.home");
    for (ApiServer server : new ApiServer[] {onDirect, onFlink}) {
      if (server != null) {
        server.close();
      }
    }
    if (demo != null) {
      Run stopped = demo.interrupt();
      assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
      assertThat(stopped.err())
          .contains("(history jobs on the StormRunner)", "Stopped.")
          .doesNotContain("Exception");
    }
  }

  @Test
  @Order(4)
  void generatedEventsReachTheApisCountsAsHBaseHasThemAndItsFunnelAsAPreviewCountsIt()
      throws Exception {
    Map<String, Long> stored = storedEventsByName();
    assertThat(stored).containsKeys("page_view", "search", "register");
    // The same funnel previewed, on Storm (equal to Direct's: below).
    JsonNode expected = notebook.get("funnel_preview").answer().get("rows");
    String live = "{\"kind\":\"funnel\",\"funnel\":\"signup\"," + range() + "}";

    Map<String, Long> counted = waitFor(api::eventTotals, totals -> totals.equals(stored));
    JsonNode funnel = waitFor(() -> api.query(live).get("rows"), rows -> rows.equals(expected));

    assertThat(counted).as("the catalog's totals").isEqualTo(stored);
    assertThat(funnel).as("the live funnel, and its preview").isEqualTo(expected);
    assertThat(funnel.get(0).get(2).asLong()).as("sessions that entered the funnel").isPositive();
    assertThat(info.runsPipeline()).isTrue();
    // The notebook's history jobs ended, and their topologies with them: the live one is left.
    assertThat(waitFor(RunningTopologies::names, names -> names.size() == 1)).hasSize(1);
    assertThat(api.getJson("/api/health").at("/pipeline/status").asText()).isEqualTo("running");
  }

  @Test
  @Order(1)
  void notebookExecuteAnswersEveryKindOnTheDemosDataAsTheApiDoes() throws Exception {
    assertThat(notebook.keySet()).isEqualTo(KINDS);
    for (Map.Entry<String, Answer> kind : notebook.entrySet()) {
      JsonNode printed = kind.getValue().answer();
      assertThat(printed.get("rows")).as(kind.getKey() + ": rows").isNotEmpty();
      if (!RAW_EVENTS.contains(kind.getKey())) {
        assertThat(hasAPositiveNumber(printed.get("rows")))
            .as(kind.getKey() + ": a count")
            .isTrue();
      }
      if (BEAM_KINDS.contains(kind.getKey())) {
        continue; // asked again on Direct and Flink below: on Storm, a job takes seconds more
      }
      JsonNode fromTheApi = api.query(kind.getValue().query());
      assertThat(printed.get("columns")).as(kind.getKey()).isEqualTo(fromTheApi.get("columns"));
      assertThat(printed.get("rows")).as(kind.getKey()).isEqualTo(fromTheApi.get("rows"));
      assertThat(printed.get("source").asText())
          .as(kind.getKey())
          .isEqualTo(fromTheApi.get("source").asText());
    }
  }

  @Test
  @Order(2)
  void historyJobsOnStormAndOnFlinkAnswerAsOnTheDirectRunner() throws Exception {
    for (String kind : BEAM_KINDS) {
      String query = notebook.get(kind).query();
      JsonNode onStorm = notebook.get(kind).answer().get("rows");

      JsonNode direct = new DemoApi(onDirect.port(), TOKEN).query(query).get("rows");

      assertThat(direct).as(kind + " on Direct").isNotEmpty();
      assertThat(onStorm).as(kind + " on Storm, the demo's").isEqualTo(direct);
      // Two of the three on Flink: each job starts an embedded cluster of its own (seconds).
      if (!kind.equals("time_to_convert")) {
        JsonNode flink = new DemoApi(onFlink.port(), TOKEN).query(query).get("rows");
        assertThat(flink).as(kind + " on Flink").isEqualTo(direct);
      }
    }
  }

  /**
   * The dashboard's notebook in a real Chromium ({@code web/e2e/demo-notebook.test.mjs}): a
   * notebook of the script's queries, one cell a kind, stored through the demo's API, shows in each
   * cell the API's answer as the script got it (equal to the JSON API's: the tests above); the
   * starter notebook the demo stores answers every cell; nothing leaves 127.0.0.1.
   */
  @Test
  @Order(3)
  void theDashboardsNotebookAnswersEveryKindOnTheDemosDataAsItsApiDoesInARealBrowser()
      throws Exception {
    assertThat(browser).as("started by the fixture").isNotNull();
    browser.await();
  }

  /** An API on the demo's HBase and Redis whose history jobs run with these Beam arguments. */
  private static ApiServer apiWith(List<String> historyArgs) {
    ApiServer server =
        new ApiServer(
            new ApiConfig(
                "127.0.0.1",
                0,
                info.redisUrl(),
                info.hbaseZk(),
                TOKEN,
                null,
                null,
                historyArgs,
                0));
    server.start();
    return server;
  }

  /** The oracle: each event name's rows in the events table (a duplicate line is the same row). */
  private static Map<String, Long> storedEventsByName() throws Exception {
    Map<String, Long> names = new TreeMap<>();
    try (Connection connection =
            ConnectionFactory.createConnection(hbase.util().getConfiguration());
        Table table = connection.getTable(EventTable.NAME);
        ResultScanner rows = table.getScanner(new Scan())) {
      for (Result row : rows) {
        String line =
            new String(row.getValue(EventTable.FAMILY, EventTable.JSON), StandardCharsets.UTF_8);
        names.merge(EventParser.parse(line).event().name(), 1L, Long::sum);
      }
    }
    return names;
  }

  private static String stepObjects() {
    return "[{\"event\":\"page_view\"},{\"event\":\"search\"},{\"event\":\"register\"}]";
  }

  private static String range() {
    return "\"from\":\"" + from + "\",\"to\":\"" + to + "\"";
  }

  private static boolean hasAPositiveNumber(JsonNode node) {
    if (node.isNumber()) {
      return node.asDouble() > 0;
    }
    for (JsonNode child : node) {
      if (hasAPositiveNumber(child)) {
        return true;
      }
    }
    return false;
  }

  @FunctionalInterface
  private interface Ask<T> {
    T get() throws Exception;
  }

  /** Asks every 200 ms until {@code done}, for at most 30 s; the last answer. */
  private static <T> T waitFor(Ask<T> ask, Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    T value = ask.get();
    while (!done.test(value) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      value = ask.get();
    }
    return value;
  }
}
