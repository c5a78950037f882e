package io.clickstream.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Random HTTP requests for the fuzz test: methods, paths, query strings, headers and bodies drawn
 * from the API's own vocabulary and from values that break parsers (boundary instants, huge and
 * negative numbers, unicode, {@code %00}, lone {@code %}, very long values), sent over a socket of
 * their own so that nothing in a client library tidies them up.
 */
final class FuzzedRequests {

  /** One request as sent, and the status and body it got. */
  record Exchange(
      String method, String target, Map<String, String> headers, int status, String body) {
    @Override
    public String toString() {
      String shown = target.length() > 300 ? target.substring(0, 300) + "…" : target;
      return method
          + " "
          + shown
          + " "
          + headers.keySet()
          + " -> "
          + status
          + " "
          + abbreviated(body);
    }

    private static String abbreviated(String text) {
      return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
  }

  private static final List<String> METHODS =
      List.of(
          "GET", "GET", "GET", "GET", "GET", "GET", "PUT", "DELETE", "POST", "PATCH", "HEAD",
          "OPTIONS", "TRACE", "FUZZ");

  private static final List<String> PATHS =
      List.of(
          "/api/health",
          "/api/events",
          "/api/counts",
          "/api/counts",
          "/api/counts",
          "/api/dimensions",
          "/api/funnels",
          "/api/funnels/{id}",
          "/api/funnels/{id}/results",
          "/api/funnels/{id}/results",
          "/api/funnels/{id}/results",
          "/api/",
          "/api",
          "/api/{junk}",
          "/{junk}",
          "/",
          "/index.html",
          "/funnel.html",
          "/app.js",
          "/../../etc/passwd",
          "/api/funnels/{id}/{junk}",
          "/api/query",
          "/api/notebooks",
          "/api/notebooks/{id}",
          "/api/notebooks/{id}/{junk}");

  /** The routes that read a JSON body, which a quarter of the requests are sent to. */
  private static final List<String> BODY_ROUTES =
      List.of("POST /api/query", "POST /api/query", "PUT /api/notebooks/{id}");

  private static final List<String> PARAMETERS =
      List.of(
          "from",
          "to",
          "step",
          "tz",
          "by",
          "event",
          "limit",
          "version",
          "funnel",
          "breakdown",
          "id",
          "from",
          "to",
          "step",
          "by",
          "event");

  private final Random random;
  private final int port;
  private final String token;
  private final String now = Instant.now().toString();

  FuzzedRequests(long seed, int port, String token) {
    this.random = new Random(seed);
    this.port = port;
    this.token = token;
  }

  /** Draws one request, sends it and returns what came back. */
  Exchange next() {
    if (random.nextInt(4) == 0) {
      String[] route = pick(BODY_ROUTES).split(" ");
      // Mostly with the token, so that the notebooks' validation is reached, not only the 401.
      return send(route[0], route[1], true, random.nextInt(4) > 0);
    }
    return send(pick(METHODS), pick(PATHS), true);
  }

  /** A write (PUT or DELETE of a funnel or a notebook) without the token: a wrong one, or none. */
  Exchange nextWriteWithoutTheToken() {
    return send(
        pick(List.of("PUT", "DELETE")),
        pick(List.of("/api/funnels/{id}", "/api/notebooks/{id}")),
        false);
  }

  /**
   * A read of the API (anything but its health, a query too) without the token: a wrong one, or
   * none.
   */
  Exchange nextReadWithoutTheToken() {
    if (random.nextInt(4) == 0) {
      return send("POST", "/api/query", false);
    }
    return send(
        "GET",
        pick(PATHS.stream().filter(p -> p.startsWith("/api/f") || p.startsWith("/api/n")).toList()),
        false);
  }

  private Exchange send(String method, String pathPattern, boolean mayCarryTheToken) {
    return send(method, pathPattern, mayCarryTheToken, false);
  }

  /**
   * @param withTheToken whether to send the token whatever the random headers say
   */
  private Exchange send(
      String method, String pathPattern, boolean mayCarryTheToken, boolean withTheToken) {
    String path =
        pathPattern
            .replace("{id}", random.nextInt(3) == 0 ? "_" + encoded(value()) : pick(FUNNEL_IDS))
            .replace("{junk}", encoded(value()));
    StringBuilder target = new StringBuilder(path);
    int parameters = random.nextInt(7);
    for (int i = 0; i < parameters; i++) {
      target.append(i == 0 ? '?' : '&');
      String name = random.nextInt(10) == 0 ? value() : pick(PARAMETERS);
      target.append(encoded(name)).append('=').append(raw(value()));
    }
    Map<String, String> headers = headers(mayCarryTheToken);
    if (withTheToken) {
      headers.put("Authorization", "Bearer " + token);
    }
    byte[] body =
        method.equals("PUT") || method.equals("POST") || method.equals("PATCH")
            ? body(pathPattern).getBytes(StandardCharsets.UTF_8)
            : new byte[0];
    return send(method, target.toString(), headers, body);
  }

  private static final List<String> FUNNEL_IDS = List.of("signup", "signup", "nope", "a-b_c");

  /** A value from the API's vocabulary, or one meant to break a parser. */
  private String value() {
    return switch (random.nextInt(30)) {
      case 0 -> "-999999999-01-01T00:00:00Z";
      case 1 -> "+999999999-12-31T23:59:59.999999999Z";
      case 2 -> "2024-02-30T00:00:00Z";
      case 3 -> "1970-01-01T00:00:00Z";
      case 4 -> now;
      case 5 -> "2024-05-01T10:00:00+14:00";
      case 6 -> "9223372036854775807";
      case 7 -> "-9223372036854775808";
      case 8 -> "1e309";
      case 9 -> Integer.toString(random.nextInt());
      case 10 -> "NaN";
      case 11 -> "ü日本🙂";
      case 12 -> "\u0000";
      case 13 -> "a".repeat(1 + random.nextInt(20_000));
      case 14 -> pick(List.of("minute", "hour", "day", "week", "MINUTE", ""));
      case 15 -> pick(List.of("UTC", "Europe/Berlin", "Mars/Olympus", "+25:00", "GMT+14"));
      case 16 ->
          pick(List.of("source", "partner", "campaign", "properties.plan", "properties.a:b"));
      case 17 -> pick(List.of("(none)", "(other)", "\\(none)", "*", "?", "[", "{", "}"));
      case 18 -> pick(List.of("page_view", "search", "register", "checkout"));
      case 19 -> "";
      case 20 -> "-1";
      case 21 -> "0";
      case 22 -> "100000";
      case 23 -> "2024-05-01T10:00:00Z";
      case 24 -> "2025-05-01T10:00:00Z";
      case 25 -> "\r\nX-Injected: 1";
      case 26 -> "../../..";
      case 27 -> "%";
      case 28 -> "null";
      default -> randomText(1 + random.nextInt(40));
    };
  }

  private String randomText(int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.appendCodePoint(
          random.nextInt(4) == 0 ? 0x80 + random.nextInt(0x2FFF) : 0x20 + random.nextInt(0x5F));
    }
    return text.toString();
  }

  /** Mostly percent-encoded, sometimes as is: a lone %, a %00, a raw unicode byte. */
  private String raw(String value) {
    return random.nextInt(8) == 0
        ? value.replace(" ", "+").replace("\r", "%0D").replace("\n", "%0A").replace("#", "%23")
        : encoded(value);
  }

  private static String encoded(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private Map<String, String> headers(boolean mayCarryTheToken) {
    Map<String, String> headers = new LinkedHashMap<>();
    switch (random.nextInt(5)) {
      case 0 -> headers.put("Authorization", "Bearer " + (mayCarryTheToken ? token : token + "x"));
      case 1 -> headers.put("Authorization", "Bearer " + randomText(20));
      case 2 -> headers.put("Authorization", pick(List.of("Basic Zm9vOmJhcg==", "Bearer", "")));
      default -> {}
    }
    if (random.nextBoolean()) {
      headers.put(
          "Content-Type",
          pick(List.of("application/json", "text/plain", "multipart/form-data; boundary=x", "%")));
    }
    if (random.nextInt(6) == 0) {
      headers.put("X-HTTP-Method-Override", pick(List.of("DELETE", "PUT", "FUZZ")));
    }
    if (random.nextInt(6) == 0) {
      headers.put("Accept", pick(List.of("text/html", "*/*", "application/xml", randomText(10))));
    }
    if (random.nextInt(10) == 0) {
      headers.put("X-Fuzz", "b".repeat(1 + random.nextInt(12_000)));
    }
    return headers;
  }

  /** A body for the route: mostly one of its own vocabulary, sometimes any other. */
  private String body(String pathPattern) {
    if (random.nextInt(3) > 0) {
      if (pathPattern.equals("/api/query")) {
        return queryBody();
      }
      if (pathPattern.startsWith("/api/notebooks/")) {
        return notebookBody();
      }
    }
    return funnelBody();
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final List<String> KINDS =
      List.of(
          "counts",
          "counts",
          "top",
          "funnel",
          "funnel",
          "sessions",
          "compare",
          "compare",
          "paths",
          "sample",
          "pie",
          "");

  private static final List<String> QUERY_FIELDS =
      List.of(
          "event", "by", "step", "from", "to", "tz", "limit", "funnel", "version", "with", "query",
          "event", "from", "to", "by");

  private String queryBody() {
    return switch (random.nextInt(8)) {
      case 0 -> "{\"kind\":\"counts\",\"event\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
      case 1 -> "{\"kind\":\"counts\",\"event\":\"" + "e".repeat(20_000) + "\"}";
      case 2 -> randomText(100);
      default -> query(3).toString();
    };
  }

  /**
   * A query of the model's kinds and fields, nested up to {@code depth}: half of them well formed
   * (a live kind with its own fields, mostly plausible values) so that queries get run, the rest
   * with any fields and values of any type.
   */
  private ObjectNode query(int depth) {
    ObjectNode query = JSON.createObjectNode();
    String kind = random.nextInt(10) == 0 ? value() : pick(KINDS);
    List<String> names =
        random.nextBoolean() && QUERY_KINDS.containsKey(kind)
            ? QUERY_KINDS.get(kind)
            : QUERY_FIELDS;
    if (random.nextInt(10) > 0) {
      query.put("kind", kind);
    }
    int fields = random.nextInt(7);
    for (int i = 0; i < fields; i++) {
      String name = random.nextInt(15) == 0 ? value() : pick(names);
      query.set(
          name,
          name.equals("query") && depth > 0
              ? query(depth - 1)
              : random.nextInt(4) > 0 ? plausible(name) : jsonValue(depth));
    }
    return query;
  }

  /** The live kinds' own fields, as the server knows them. */
  private static final Map<String, List<String>> QUERY_KINDS =
      Arrays.stream(QueryRequest.Kind.values())
          .collect(Collectors.toMap(QueryRequest.Kind::wireName, k -> k.fields));

  /** A value the field could have, so that some queries get past the checks and are run. */
  private JsonNode plausible(String field) {
    return JSON.getNodeFactory()
        .textNode(
            switch (field) {
              case "event" -> pick(List.of("page_view", "search", "_sessions", "nothing"));
              case "by" -> pick(List.of("source", "campaign"));
              case "step" -> pick(List.of("minute", "hour", "day"));
              case "from" -> pick(List.of("2024-05-01T10:00:00Z", "2024-05-01T00:00:00Z"));
              case "to" -> pick(List.of("2024-05-01T12:00:00Z", "2024-05-02T00:00:00Z"));
              case "tz" -> pick(List.of("UTC", "Europe/Berlin", "Asia/Kolkata"));
              case "limit" -> pick(List.of("1", "5", "100"));
              case "funnel" -> pick(FUNNEL_IDS);
              case "version" -> pick(List.of("1", "2"));
              case "with" -> "previous";
              default -> value();
            });
  }

  private JsonNode jsonValue(int depth) {
    return switch (random.nextInt(depth > 0 ? 9 : 7)) {
      case 0 -> JSON.getNodeFactory().numberNode(random.nextInt(200) - 50);
      case 1 -> JSON.getNodeFactory().numberNode(random.nextDouble() * 1e6);
      case 2 -> JSON.getNodeFactory().booleanNode(random.nextBoolean());
      case 3 -> JSON.getNodeFactory().nullNode();
      case 4 -> JSON.getNodeFactory().textNode(pick(List.of("previous", "signup", "nope")));
      case 7 -> JSON.createArrayNode().add(jsonValue(depth - 1));
      case 8 -> query(depth - 1);
      default -> JSON.getNodeFactory().textNode(value());
    };
  }

  private String notebookBody() {
    if (random.nextInt(8) == 0) {
      return randomText(100);
    }
    ObjectNode notebook = JSON.createObjectNode();
    if (random.nextInt(8) > 0) {
      notebook.set(
          "title", random.nextInt(4) == 0 ? jsonValue(1) : JSON.getNodeFactory().textNode(value()));
    }
    if (random.nextInt(10) == 0) {
      notebook.set(random.nextBoolean() ? "id" : value(), jsonValue(1));
    }
    ArrayNode cells = notebook.putArray("cells");
    int count = random.nextInt(10) == 0 ? 150 : random.nextInt(6);
    for (int i = 0; i < count; i++) {
      ObjectNode cell = cells.addObject();
      switch (random.nextInt(6)) {
        case 0, 1 -> cell.put("type", "markdown").set("text", jsonValue(1));
        case 2, 3, 4 -> {
          cell.put("type", "query").set("query", query(2));
          if (random.nextBoolean()) {
            cell.set("live", jsonValue(0));
          }
        }
        default -> cell.set(pick(List.of("type", "text", value())), jsonValue(1));
      }
    }
    return notebook.toString();
  }

  private String funnelBody() {
    return switch (random.nextInt(10)) {
      case 0 ->
          "{\"steps\":[{\"event\":\"page_view\"},{\"event\":\"search\"}],\"breakdown\":[\"source\"]}";
      case 1 -> "[".repeat(5_000) + "]".repeat(5_000);
      case 2 -> "{\"steps\":[" + "{\"event\":\"e\"},".repeat(2_000) + "{\"event\":\"e\"}]}";
      case 3 ->
          "{\"steps\":[{\"event\":\"" + value() + "\",\"where\":{\"" + value() + "\":1e999}}]}";
      case 4 -> "null";
      case 5 -> "";
      case 6 -> "\"" + "x".repeat(200_000) + "\"";
      case 7 -> "{\"window\":\"" + value() + "\",\"scope\":\"user\",\"steps\":[]}";
      case 8 -> randomText(100);
      default -> "{\"order\":\"" + value() + "\",\"steps\":[{\"event\":\"a\"},{\"event\":\"b\"}]}";
    };
  }

  /**
   * Sends over HTTP/1.0, so that the answer ends when the server closes the connection; the Host is
   * one the server answers to.
   */
  private Exchange send(String method, String target, Map<String, String> headers, byte[] body) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(target).append(" HTTP/1.0\r\n");
      head.append("Host: 127.0.0.1:").append(port).append("\r\n");
      headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      if (body.length > 0) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      request.write(head.toString().getBytes(StandardCharsets.UTF_8));
      request.write(body);
      socket.getOutputStream().write(request.toByteArray());
      socket.getOutputStream().flush();
      String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int end = raw.indexOf("\r\n\r\n");
      String statusLine = raw.substring(0, Math.max(0, raw.indexOf("\r\n")));
      String[] parts = statusLine.split(" ");
      int status = parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
      return new Exchange(method, target, headers, status, end < 0 ? "" : raw.substring(end + 4));
    } catch (IOException e) {
      // A connection the server closed on a request it would not read is an answer too, not a 5xx;
      // the test tells it apart from a server that stopped answering by asking its health after.
      return new Exchange(method, target, headers, 0, String.valueOf(e));
    }
  }

  private <T> T pick(List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }
}
