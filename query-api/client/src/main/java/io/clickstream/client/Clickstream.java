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
 */
public final class Clickstream {

  private final Api api;
  private final String hbaseZk;

  private Clickstream(URI url, String token, String hbaseZk) {
    this.api = new Api(url, token);
    this.hbaseZk = hbaseZk;
  }

  /** The running {@code ./analytics demo}, found through its discovery file ({@link DemoFile}). */
  public static Clickstream connect() {
    DemoFile demo = DemoFile.running();
    String token = demo.readToken() != null ? demo.readToken() : tokenFromEnvironment();
    return new Clickstream(url(demo.apiUrl()), token, demo.hbaseZk());
  }

  /** The API at {@code url} ({@code http://127.0.0.1:4567}), with the environment's token. */
  public static Clickstream connect(String url) {
    return connect(url, tokenFromEnvironment());
  }

  /** The API at {@code url}, sending {@code token} (null: none). */
  public static Clickstream connect(String url, String token) {
    return new Clickstream(url(url), token, null);
  }

  private static URI url(String url) {
    return URI.create(url.endsWith("/") ? url : url + "/");
  }

  private static String tokenFromEnvironment() {
    for (String name : new String[] {"CLICKSTREAM_READ_TOKEN", "CLICKSTREAM_API_TOKEN"}) {
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
