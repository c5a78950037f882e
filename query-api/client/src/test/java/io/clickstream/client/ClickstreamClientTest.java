package io.clickstream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.api.ApiFixture;
import io.clickstream.core.RedisKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fluent client against a real API server on a real redis-server: its answers are the JSON
 * API's for the same query, shown as aligned tables, written as CSV and as one HTML page that loads
 * nothing, and a query the server refuses is an exception naming the field.
 */
class ClickstreamClientTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SEARCH = RedisKeys.eventMetric("search");
  private static final String FROM = "2024-05-01T10:00:00Z";
  private static final String TO = "2024-05-01T13:00:00Z";
  private static final String RANGE = "\"from\":\"" + FROM + "\",\"to\":\"" + TO + "\"";

  private Clickstream cs;

  @BeforeEach
  void seedAndConnect() {
    api.count(SEARCH, "source", "google", "2024-05-01T10:00:00Z", 3);
    api.count(SEARCH, "source", "google", "2024-05-01T11:59:00Z", 6);
    api.count(SEARCH, "source", "bing", "2024-05-01T10:30:00Z", 5);
    api.count(SEARCH, "source", "(none)", "2024-05-01T12:10:00Z", 1);
    api.count(SEARCH, "source", "google", "2024-05-01T09:00:00Z", 4); // the period before
    cs = Clickstream.connect(api.baseUrl(), null);
  }

  @Test
  void eachLiveKindAnswersWhatTheJsonApiAnswersForTheSameQuery() throws Exception {
    seedFunnel();
    assertSameAnswer(
        cs.counts("search").by("source").step("hour").between(FROM, TO),
        "{\"kind\":\"counts\",\"event\":\"search\",\"by\":\"source\",\"step\":\"hour\","
            + RANGE
            + "}");
    assertSameAnswer(
        cs.top("search").by("source").top(2).between(FROM, TO),
        "{\"kind\":\"top\",\"event\":\"search\",\"by\":\"source\",\"limit\":2," + RANGE + "}");
    assertSameAnswer(
        cs.funnel("signup").by("source").between(FROM, TO),
        "{\"kind\":\"funnel\",\"funnel\":\"signup\",\"by\":\"source\"," + RANGE + "}");
    assertSameAnswer(
        cs.sessions().step("hour").between(FROM, TO),
        "{\"kind\":\"sessions\",\"step\":\"hour\"," + RANGE + "}");
    assertSameAnswer(
        cs.compare(cs.top("search").by("source").between(FROM, TO)),
        "{\"kind\":\"compare\",\"query\":{\"kind\":\"top\",\"event\":\"search\",\"by\":\"source\","
            + RANGE
            + "},\"with\":\"previous\"}");
  }

  @Test
  void lastIsTheRangeUpToNowOfThatLength() {
    Instant before = Instant.now().minusSeconds(1);

    JsonNode meta = cs.counts("search").last("24h").run().meta();

    Instant from = Instant.parse(meta.get("from").asText());
    Instant to = Instant.parse(meta.get("to").asText());
    assertThat(Duration.between(from, to)).isEqualTo(Duration.ofHours(24));
    assertThat(to).isAfterOrEqualTo(before.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("PT30M")).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void showPrintsTheRowsAsAnAlignedTableAndToCsvAsCsv() {
    Result top = cs.top("search").by("source").between(FROM, TO).run();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    top.show(new PrintStream(printed, true, StandardCharsets.UTF_8));

    assertThat(printed.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            String.join(
                "\n",
                "key     missing  other  count",
                "------  -------  -----  -----",
                "google  false    false      9",
                "bing    false    false      5",
                "(none)  true     false      1",
                "(3 rows)",
                ""));
    assertThat(top.rows())
        .containsExactly(
            List.of("google", false, false, 9),
            List.of("bing", false, false, 5),
            List.of("(none)", true, false, 1));
    assertThat(top.toCsv())
        .isEqualTo(
            "key,missing,other,count\r\ngoogle,false,false,9\r\nbing,false,false,5\r\n"
                + "(none),true,false,1\r\n");
  }

  @Test
  void chartWritesOnePageWithTheDashboardsD3InlinedThatLoadsNothing(@TempDir Path dir)
      throws Exception {
    Path page =
        cs.counts("search")
            .by("source")
            .step("hour")
            .between(FROM, TO)
            .chart(dir.resolve("out.html").toString());

    String html = Files.readString(page);
    String d3 = classPathText("/public/vendor/d3.min.js");
    assertThat(html).contains(d3).contains("const answer = ").contains("d3.line()");
    assertThat(html).doesNotContain("<script src", "<link", "@import", "url(");
    // The only URLs are inside D3 itself: its banner and the SVG and XHTML namespace names, which
    // name and do not load.
    assertThat(urls(html.replace(d3, ""))).isEmpty();
    assertThat(html).contains("<td>google</td>").contains("<td class=\"n\">6</td>");
  }

  @Test
  void aQueryTheServerRefusesIsAnExceptionNamingTheField() {
    assertThatThrownBy(() -> cs.top("search").between(FROM, TO).run())
        .isInstanceOfSatisfying(
            ClickstreamException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).isEqualTo("by");
              assertThat(e.getMessage()).startsWith("by: required");
            });
    assertThatThrownBy(() -> cs.compare(cs.counts("search").tz("Mars/Olympus")).run())
        .isInstanceOfSatisfying(
            ClickstreamException.class,
            e -> {
              assertThat(e.field()).isEqualTo("query.tz");
              assertThat(e.getMessage()).startsWith("query.tz: ");
            });
  }

  private static final String NOTEBOOK =
      "{\"title\":\"Searches by source\",\"cells\":[{\"type\":\"markdown\",\"text\":\"Where searches come from\"},"
          + "{\"type\":\"query\",\"query\":{\"kind\":\"top\",\"event\":\"search\",\"by\":\"source\","
          + RANGE
          + "},\"live\":true},"
          + "{\"type\":\"query\",\"query\":{\"kind\":\"counts\",\"event\":\"search\",\"step\":\"hour\","
          + RANGE
          + "}}]}";

  @Test
  void aNotebookSavedThroughTheClientIsListedReadRunCellByCellAndDeletedAsTheApiHasIt()
      throws Exception {
    Clickstream writer = cs.withApiToken(ApiFixture.TOKEN);

    JsonNode saved = writer.notebook("searches").save(NOTEBOOK);

    assertThat(saved).isEqualTo(api.get("/api/notebooks/searches").json());
    assertThat(cs.notebook("searches").get()).isEqualTo(saved);
    assertThat(cs.notebooks().list().rows())
        .containsExactly(List.of("searches", "Searches by source"));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    List<Result> results =
        cs.notebook("searches").run(new PrintStream(printed, true, StandardCharsets.UTF_8));
    assertThat(results).hasSize(2);
    StringBuilder expected =
        new StringBuilder("# Searches by source\n\nWhere searches come from\n");
    for (int i = 0; i < results.size(); i++) {
      JsonNode query = saved.get("cells").get(i + 1).get("query");
      ApiFixture.Reply direct = api.post("/api/query", query.toString());
      assertThat(withoutTook(results.get(i).json())).isEqualTo(withoutTook(direct.json()));
      ByteArrayOutputStream shown = new ByteArrayOutputStream();
      results.get(i).show(new PrintStream(shown, true, StandardCharsets.UTF_8));
      expected.append("\n[").append(i + 1).append("] ").append(query).append('\n');
      expected.append(shown.toString(StandardCharsets.UTF_8));
    }
    assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());

    writer.notebook("searches").delete();
    assertThat(api.get("/api/notebooks/searches").status()).isEqualTo(404);
    assertThat(cs.notebooks().list().rows()).isEmpty();
  }

  @Test
  void notebookWritesNeedTheApiTokenAndWhatTheServerRefusesNamesItsField() {
    assertThatThrownBy(() -> cs.notebook("searches").save(NOTEBOOK))
        .isInstanceOfSatisfying(
            ClickstreamException.class, e -> assertThat(e.status()).isEqualTo(401));
    Clickstream writer = cs.withApiToken(ApiFixture.TOKEN);
    assertThatThrownBy(
            () ->
                writer
                    .notebook("searches")
                    .save("{\"title\":\"x\",\"cells\":[{\"type\":\"chart\"}]}"))
        .isInstanceOfSatisfying(
            ClickstreamException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).isEqualTo("cells[0].type");
            });
    assertThatThrownBy(() -> cs.notebook("missing").get())
        .isInstanceOfSatisfying(
            ClickstreamException.class, e -> assertThat(e.status()).isEqualTo(404));
    // Stored, since only a query's shape is checked then; refused when it runs, naming its cell.
    writer
        .notebook("searches")
        .save(
            "{\"title\":\"x\",\"cells\":[{\"type\":\"query\",\"query\":{\"kind\":\"top\",\"event\":\"search\"}}]}");
    assertThatThrownBy(
            () ->
                cs.notebook("searches")
                    .run(
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            ClickstreamException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.field()).isEqualTo("cells[0].query.by");
              assertThat(e.getMessage()).startsWith("cells[0].query.by: required");
            });
  }

  private static void assertSameAnswer(Query query, String json) throws Exception {
    assertThat(query.json()).isEqualTo(JSON.readTree(json));
    ApiFixture.Reply direct = api.post("/api/query", json);
    assertThat(direct.status()).as(direct.text()).isEqualTo(200);
    Result result = query.run();
    assertThat(withoutTook(result.json())).isEqualTo(withoutTook(direct.json()));
    assertThat(result.rows()).hasSize(direct.json().get("rows").size());
  }

  private static JsonNode withoutTook(JsonNode answer) {
    ObjectNode copy = answer.deepCopy();
    copy.remove("took_ms");
    return copy;
  }

  /** A two-step funnel by source, with results in one minute: 6 searched, 2 of them signed up. */
  private static void seedFunnel() {
    String definition =
        "{\"steps\":[{\"event\":\"search\"},{\"event\":\"register\"}],\"breakdown\":[\"source\"]}";
    assertThat(api.put("/api/funnels/signup", definition).status()).isEqualTo(201);
    String results =
        RedisKeys.funnelResults(
            "signup", 1, Instant.parse("2024-05-01T10:00:00Z").toEpochMilli() / 60_000);
    Map.of(
            "reached:1", 6L,
            "reached:2", 2L,
            "by:source:1:google", 4L,
            "by:source:1:bing", 2L,
            "by:source:2:google", 2L)
        .forEach((field, count) -> api.redis().hincrBy(results, field, count));
  }

  private static String classPathText(String name) throws IOException {
    try (InputStream in = ClickstreamClientTest.class.getResourceAsStream(name)) {
      assertThat(in).as(name + " on the class path (the web jar)").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> urls(String text) {
    Matcher m = Pattern.compile("https?://\\S+").matcher(text);
    return m.results().map(r -> r.group()).toList();
  }
}
