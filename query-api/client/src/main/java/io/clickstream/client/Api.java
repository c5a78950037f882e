package io.clickstream.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The HTTP side of the client: JSON in and out, reads with the read token and writes with the API
 * token, an error answer turned into a {@link ClickstreamException}, and history jobs
 * (docs/notebook.md) polled until they finish.
 */
final class Api {

  static final ObjectMapper MAPPER = new ObjectMapper();

  /** How long one request may take; a history job's wait is the polling's, not one request's. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private static final long MAX_POLL_MILLIS = 1_000;

  private final URI base;
  private final String token;
  private final String apiToken;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param token sent with every read (the read token, or the API token, which reads too); null:
   *     none
   * @param apiToken sent with every write; null: none, and the server answers 401
   */
  Api(URI base, String token, String apiToken) {
    this.base = base;
    this.token = token;
    this.apiToken = apiToken;
  }

  /** The same server, writing with {@code apiToken}. */
  Api writingWith(String apiToken) {
    return new Api(base, token, apiToken);
  }

  URI base() {
    return base;
  }

  /**
   * Answers a query: a live kind's answer directly, a history kind's once its job is done, saying
   * how it gets on on {@code progress}.
   */
  JsonNode query(JsonNode query, PrintStream progress) {
    Reply reply = send("POST", "/api/query", query.toString(), token);
    if (reply.status() != 202) {
      return reply.body();
    }
    return awaitJob(reply.body(), progress);
  }

  /**
   * Polls {@code status_url} until the job is done and returns its result; a job that failed
   * becomes the exception its error names. Interrupted, it cancels the job before giving up.
   */
  private JsonNode awaitJob(JsonNode submitted, PrintStream progress) {
    String job = submitted.path("job").asText();
    String statusUrl = submitted.path("status_url").asText("/api/query/" + job);
    JsonNode status = submitted;
    long pause = 100;
    String last = "";
    try {
      while (!finished(status.path("status").asText())) {
        Thread.sleep(pause);
        pause = Math.min(MAX_POLL_MILLIS, pause * 2);
        status = read(statusUrl);
        String line = progressLine(job, status);
        if (!line.equals(last)) {
          progress.println(line);
          last = line;
        }
      }
    } catch (InterruptedException e) {
      send("DELETE", statusUrl, null, token);
      Thread.currentThread().interrupt();
      throw new ClickstreamException("interrupted: cancelled history job " + job, e);
    }
    switch (status.path("status").asText()) {
      case "done":
        if (!status.path("result").isObject()) {
          throw new ClickstreamException(
              500, "job", "job: history job " + job + " is done but its status has no result");
        }
        return status.get("result");
      case "failed":
        throw error(400, status.path("error"), "history job " + job + " failed");
      default:
        throw new ClickstreamException(
            400, "job", "job: history job " + job + " was " + status.path("status").asText());
    }
  }

  private static boolean finished(String status) {
    return status.equals("done") || status.equals("failed") || status.equals("cancelled");
  }

  private static String progressLine(String job, JsonNode status) {
    JsonNode progress = status.path("progress");
    String line = "job " + job + ": " + status.path("status").asText();
    if (progress.has("rows_read")) {
      line += ", " + progress.get("rows_read").asLong() + " rows read";
    }
    if (progress.has("fraction")) {
      line += String.format(" (%.0f%%)", 100 * progress.get("fraction").asDouble());
    }
    return line;
  }

  /** The JSON a GET of {@code path} answers. */
  JsonNode read(String path) {
    return send("GET", path, null, token).body();
  }

  /**
   * A write ({@code PUT}, {@code DELETE}) with the API token; its JSON answer, or null for a 204.
   */
  JsonNode write(String method, String path, String body) {
    return send(method, path, body, apiToken).body();
  }

  /** The GET of a path (a dashboard file such as {@code /vendor/d3.min.js}) as text. */
  String text(String path) {
    HttpResponse<String> response = exchange("GET", path, null, token);
    if (response.statusCode() != 200) {
      throw new ClickstreamException(
          response.statusCode(), null, "GET " + path + " answered " + response.statusCode());
    }
    return response.body();
  }

  private record Reply(int status, JsonNode body) {}

  private Reply send(String method, String path, String body, String bearer) {
    HttpResponse<String> response = exchange(method, path, body, bearer);
    if (response.statusCode() == 204) {
      return new Reply(204, null);
    }
    JsonNode json;
    try {
      json = MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new ClickstreamException(
          response.statusCode(),
          null,
          method + " " + path + " answered " + response.statusCode() + " with no JSON");
    }
    if (response.statusCode() >= 400) {
      throw error(response.statusCode(), json, method + " " + path);
    }
    return new Reply(response.statusCode(), json);
  }

  private HttpResponse<String> exchange(String method, String path, String body, String bearer) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
            .timeout(REQUEST_TIMEOUT)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ClickstreamException(
          "cannot reach " + base + " (" + method + " " + path + "): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClickstreamException("interrupted: " + method + " " + path, e);
    }
  }

  /**
   * The exception for an error body, {@code {"error":"field: problem"}} (with {@code "field"} when
   * the server gives it apart): its message is the server's.
   */
  private static ClickstreamException error(int status, JsonNode body, String what) {
    String message = body.path("error").asText(what + " answered " + status);
    String field = body.path("field").asText(null);
    if (field == null) {
      int colon = message.indexOf(':');
      field =
          colon > 0 && message.substring(0, colon).matches("[\\w.\\[\\]]+")
              ? message.substring(0, colon)
              : null;
    }
    return new ClickstreamException(status, field, message);
  }
}
