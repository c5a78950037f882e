package io.clickstream.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.core.RedisKeys;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

/**
 * A real redis-server and a real {@link ApiServer} on free loopback ports for one test class, with
 * Redis emptied before each test. Register it as a static {@code @RegisterExtension} field.
 */
public final class ApiFixture implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** What the API answered. */
  public record Reply(int status, HttpHeaders headers, String text) {
    String contentType() {
      return headers.firstValue("Content-Type").orElse("");
    }

    public JsonNode json() {
      try {
        return MAPPER.readTree(text);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text, e);
      }
    }
  }

  /** The API token of every fixture's server. */
  public static final String TOKEN = "test-token-0123456789abcdef";

  private final String hbaseZk;
  private final String apiToken;
  private final boolean startReady;
  private final String readToken;
  private final List<String> allowedHosts;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private RedisServer redisServer;
  private JedisPooled redis;
  private ApiServer api;
  private final long historyMaxRows;

  public ApiFixture() {
    this(null);
  }

  ApiFixture(String hbaseZk) {
    this(hbaseZk, TOKEN);
  }

  /**
   * @param apiToken the server's API token; null for a server that refuses every write
   */
  ApiFixture(String hbaseZk, String apiToken) {
    this(hbaseZk, apiToken, true);
  }

  private ApiFixture(String hbaseZk, String apiToken, boolean startReady) {
    this(hbaseZk, apiToken, startReady, null, List.of());
  }

  private ApiFixture(
      String hbaseZk,
      String apiToken,
      boolean startReady,
      String readToken,
      List<String> allowedHosts) {
    this(hbaseZk, apiToken, startReady, readToken, allowedHosts, 0);
  }

  private ApiFixture(
      String hbaseZk,
      String apiToken,
      boolean startReady,
      String readToken,
      List<String> allowedHosts,
      long historyMaxRows) {
    this.historyMaxRows = historyMaxRows;
    this.hbaseZk = hbaseZk;
    this.apiToken = apiToken;
    this.startReady = startReady;
    this.readToken = readToken;
    this.allowedHosts = allowedHosts;
  }

  /** A server reading HBase at {@code hbaseZk}, whose history jobs read at most {@code maxRows}. */
  public static ApiFixture withHistory(String hbaseZk, long maxRows) {
    return new ApiFixture(hbaseZk, TOKEN, true, null, List.of(), maxRows);
  }

  /** A server whose reads need {@code readToken} (or the API token, {@link #TOKEN}). */
  public static ApiFixture withReadToken(String readToken) {
    return new ApiFixture(null, TOKEN, true, readToken, List.of());
  }

  /** A server that accepts these host names besides those it always accepts. */
  static ApiFixture allowingHosts(String... names) {
    return new ApiFixture(null, TOKEN, true, null, List.of(names));
  }

  /**
   * A server as a program embedding it starts one: health says "starting" until {@link
   * #markReady()}.
   */
  static ApiFixture startingUntilMarkedReady() {
    return new ApiFixture(null, TOKEN, false);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    int redisPort = freePort();
    redisServer = RedisServer.builder().bind("127.0.0.1").port(redisPort).build();
    redisServer.start();
    redis = new JedisPooled("127.0.0.1", redisPort);
    ApiConfig config =
        new ApiConfig(
            "127.0.0.1",
            0,
            "redis://127.0.0.1:" + redisPort,
            hbaseZk,
            apiToken,
            readToken,
            allowedHosts,
            null,
            historyMaxRows);
    api = startReady ? new ApiServer(config) : ApiServer.startingUntilMarkedReady(config);
    api.start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    redis.flushAll();
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (api != null) {
      api.close();
    }
    if (redis != null) {
      redis.close();
    }
    if (redisServer != null) {
      redisServer.stop();
    }
  }

  /** Stops Redis: the class's remaining tests see it down, until {@link #startRedisAgain}. */
  void stopRedis() throws IOException {
    redisServer.stop();
  }

  /** Starts Redis again on the same port, empty (it keeps no files). */
  void startRedisAgain() throws IOException {
    redisServer.start();
  }

  void markReady() {
    api.markReady();
  }

  /** The server's limit on range queries at once, for a test to fill by holding its permits. */
  java.util.concurrent.Semaphore heavyQueryPermits() {
    return api.heavyQueries().permits();
  }

  /** The pool the server's routes take Redis connections from (health has its own). */
  redis.clients.jedis.JedisPool queryConnections() {
    return api.queryConnections();
  }

  /** The URL of the test's Redis, for a pipeline to write to. */
  String redisUrl() {
    return "redis://127.0.0.1:" + redisServer.ports().get(0);
  }

  /** A client of the test's Redis, to seed it. */
  public JedisPooled redis() {
    return redis;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + api.port();
  }

  /** GETs a path with its query, which must already be URL-encoded. */
  public Reply get(String pathAndQuery) {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)), "GET " + pathAndQuery);
  }

  /** GETs a path with its query, which must already be URL-encoded, with these headers. */
  Reply get(String pathAndQuery, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery));
    headers.forEach(request::header);
    return send(request, "GET " + pathAndQuery);
  }

  /**
   * Sends {@code method path} with {@code Host: host} over a socket of its own: Java's HTTP client
   * does not let a caller choose the Host header, a browser on a rebinding page does. HTTP/1.0, so
   * that the answer is not chunked and ends when the server closes the connection.
   */
  Reply sendWithHost(String method, String path, String host, Map<String, String> headers) {
    try (Socket socket = new Socket("127.0.0.1", api.port())) {
      socket.setSoTimeout(10_000);
      StringBuilder request = new StringBuilder();
      request.append(method).append(' ').append(path).append(" HTTP/1.0\r\n");
      request.append("Host: ").append(host).append("\r\n");
      headers.forEach(
          (name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
      request.append("\r\n");
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int end = raw.indexOf("\r\n\r\n");
      String[] head = raw.substring(0, end).split("\r\n");
      Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (String line : Arrays.asList(head).subList(1, head.length)) {
        int colon = line.indexOf(':');
        fields
            .computeIfAbsent(line.substring(0, colon).trim(), name -> new ArrayList<>())
            .add(line.substring(colon + 1).trim());
      }
      return new Reply(
          Integer.parseInt(head[0].split(" ")[1]),
          HttpHeaders.of(fields, (name, value) -> true),
          raw.substring(end + 4));
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " with Host " + host + " failed", e);
    }
  }

  /** PUTs a JSON body with the fixture's token. */
  public Reply put(String path, String body) {
    return put(path, body, TOKEN);
  }

  /** PUTs a JSON body with {@code token} as bearer token; none when null. */
  Reply put(String path, String body, String token) {
    return sendJson("PUT", path, body, token);
  }

  /** POSTs a JSON body without a token. */
  public Reply post(String path, String body) {
    return post(path, body, null);
  }

  /** POSTs a JSON body with {@code token} as bearer token; none when null. */
  Reply post(String path, String body, String token) {
    return sendJson("POST", path, body, token);
  }

  private Reply sendJson(String method, String path, String body, String token) {
    return send(
        withToken(HttpRequest.newBuilder(URI.create(baseUrl() + path)), token)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body)),
        method + " " + path);
  }

  /** DELETEs with the fixture's token. */
  Reply delete(String path) {
    return delete(path, TOKEN);
  }

  Reply delete(String path, String token) {
    return send(
        withToken(HttpRequest.newBuilder(URI.create(baseUrl() + path)), token).DELETE(),
        "DELETE " + path);
  }

  private static HttpRequest.Builder withToken(HttpRequest.Builder request, String token) {
    return token == null ? request : request.header("Authorization", "Bearer " + token);
  }

  private Reply send(HttpRequest.Builder request, String what) {
    try {
      HttpResponse<String> response =
          http.send(
              request.timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new AssertionError(what + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Adds {@code count} to a minute's count of a metric, by one dimension value. */
  public void count(String metric, String dimension, String value, String minute, long count) {
    redis.hincrBy(RedisKeys.counts(metric, dimension, epochMinute(minute)), value, count);
  }

  /** Adds {@code count} to a minute's undivided count of a metric. */
  public void count(String metric, String minute, long count) {
    count(metric, RedisKeys.UNDIVIDED, RedisKeys.FIELD_TOTAL, minute, count);
  }

  static long epochMinute(String isoInstant) {
    return Math.floorDiv(Instant.parse(isoInstant).toEpochMilli(), 60_000L);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
