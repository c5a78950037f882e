package io.clickstream.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * A connection to a Clickstream API, and where every query starts:
 *
 * <pre>{@code
 * var cs = Clickstream.connect();                            // the running ./analytics demo
 * cs.funnel("signup").by("source").last("24h").show();
 * cs.paths().after("search").top(10).last("7d").show();
 * cs.preview(Funnel.steps("page_view", "search", "checkout").order(STRICT)).over("7d").chart("out.html");
 * }</pre>
 *
 * Reads need the server's read token when it has one: the demo's discovery file carries it, else
 * {@code $CLICKSTREAM_READ_TOKEN} (or {@code $CLICKSTREAM_API_TOKEN}, which reads too) is sent.
 * Writes (saving and deleting notebooks) need the API token: {@code $CLICKSTREAM_API_TOKEN}, the
 * token given to {@link #connect(String, String)}, or {@link #withApiToken}.
 */
public final class Clickstream {

  private final Api api;
  private final String hbaseZk;

  private static final String API_TOKEN_ENV = "CLICKSTREAM_API_TOKEN";

  private Clickstream(Api api, String hbaseZk) {
    this.api = api;
    this.hbaseZk = hbaseZk;
  }

  /** The running {@code ./analytics demo}, found through its discovery file ({@link DemoFile}). */
  public static Clickstream connect() {
    DemoFile demo = DemoFile.running();
    String token = demo.readToken() != null ? demo.readToken() : tokenFromEnvironment();
    return new Clickstream(
        new Api(url(demo.apiUrl()), token, System.getenv(API_TOKEN_ENV)), demo.hbaseZk());
  }

  /** The API at {@code url} ({@code http://127.0.0.1:4567}), with the environment's tokens. */
  public static Clickstream connect(String url) {
    return new Clickstream(
        new Api(url(url), tokenFromEnvironment(), System.getenv(API_TOKEN_ENV)), null);
  }

  /**
   * The API at {@code url}, sending {@code token} (null: none) with reads and writes: the API token
   * does both; a read token only reads.
   */
  public static Clickstream connect(String url, String token) {
    return new Clickstream(new Api(url(url), token, token), null);
  }

  /**
   * This connection, writing with {@code apiToken}: {@code
   * cs.withApiToken(t).notebook("x").delete()}.
   */
  public Clickstream withApiToken(String apiToken) {
    return new Clickstream(api.writingWith(apiToken), hbaseZk);
  }

  private static URI url(String url) {
    return URI.create(url.endsWith("/") ? url : url + "/");
  }

  private static String tokenFromEnvironment() {
    for (String name : new String[] {"CLICKSTREAM_READ_TOKEN", API_TOKEN_ENV}) {
      String value = System.getenv(name);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }

  /** The API's URL. */
  public URI url() {
    return api.base();
  }

  /** The demo's HBase ({@code host:port} of its ZooKeeper), when connected through discovery. */
  public Optional<String> hbaseZk() {
    return Optional.ofNullable(hbaseZk);
  }

  /** An event's counts per bucket: {@code counts("search").by("source").last("1h")}. */
  public Query counts(String event) {
    return new Query(api, "counts").with("event", event);
  }

  /** The top values of a dimension for an event: {@code top("search").by("source")}. */
  public Query top(String event) {
    return new Query(api, "top").with("event", event);
  }

  /** A saved funnel's results: {@code funnel("signup").by("source").last("24h")}. */
  public Query funnel(String id) {
    return new Query(api, "funnel").with("funnel", id);
  }

  /** The sessions started per bucket. */
  public Query sessions() {
    return new Query(api, "sessions");
  }

  /** A live query against the period just before its range, row by row. */
  public Query compare(Query query) {
    return new Query(api, "compare").with("query", query.json()).with("with", "previous");
  }

  /**
   * History: the top event sequences after (or before) an event: {@code paths().after("search")}.
   */
  public Query paths() {
    return new Query(api, "paths");
  }

  /** History: an unsaved funnel over past events. */
  public Query preview(Funnel funnel) {
    return withFields(new Query(api, "funnel_preview"), funnel);
  }

  /** History: the times between two steps of a saved funnel, {@link Query#between(int, int)}. */
  public Query timeToConvert(String funnelId) {
    return new Query(api, "time_to_convert").with("funnel", funnelId);
  }

  /** History: the times between two steps of an unsaved funnel. */
  public Query timeToConvert(Funnel funnel) {
    return withFields(new Query(api, "time_to_convert"), funnel);
  }

  private static Query withFields(Query query, Funnel funnel) {
    funnel.fields().fields().forEachRemaining(f -> query.with(f.getKey(), f.getValue()));
    return query;
  }

  /** History: one user's events. */
  public Query timeline(String user) {
    return new Query(api, "timeline").with("user", user);
  }

  /** History: raw events, filtered with {@link Query#where}. */
  public Query sample() {
    return new Query(api, "sample");
  }

  /** History: raw events of one name. */
  public Query sample(String event) {
    return sample().with("event", event);
  }

  /** The stored notebooks: {@code notebooks().list().show()}. */
  public Notebooks notebooks() {
    return new Notebooks(api);
  }

  /**
   * The notebook stored (or to store) under {@code id}: {@code notebook("weekly").run()}, {@code
   * .get()}, {@code .save(Path.of("weekly.json"))}, {@code .delete()}.
   */
  public Notebook notebook(String id) {
    return new Notebook(api, id);
  }

  /** Runs a query written as JSON, {@code {"kind":"counts","event":"search"}}. */
  public Result query(String json) {
    JsonNode query;
    try {
      query = Api.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    return new Result(api.query(query, System.err), api);
  }

  @Override
  public String toString() {
    return "Clickstream at " + api.base();
  }
}
