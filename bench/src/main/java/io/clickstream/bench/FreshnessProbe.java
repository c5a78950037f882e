package io.clickstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.core.Event;
import io.clickstream.core.EventJson;
import io.clickstream.core.EventTable;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Table;

/**
 * How fresh the JSON API is: single events, each with a name of its own, are written to HBase one
 * every {@link #SPACING_MILLIS} ms, and each one's latency runs from its write until
 * {@code GET /api/counts?event=NAME} (default range: the last hour) shows it counted.
 */
final class FreshnessProbe {

  private static final long SPACING_MILLIS = 200;
  private static final long POLL_MILLIS = 20;
  static final Duration GIVE_UP = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param millis each probe's latency, ascending; {@link Long#MAX_VALUE} for a probe that never
   *     became visible within {@link #GIVE_UP}
   */
  record Result(long[] millis) {
    int notVisible() {
      return (int) Arrays.stream(millis).filter(m -> m == Long.MAX_VALUE).count();
    }

    /** Nearest rank; {@link Long#MAX_VALUE} when that rank is a probe that never became visible. */
    long percentile(int p) {
      int rank = (int) Math.ceil(p / 100.0 * millis.length);
      return millis[Math.max(0, rank - 1)];
    }
  }

  private record Probe(String name, long writtenNanos) {}

  private final Connection connection;
  private final URI countsEndpoint;
  private final String namePrefix;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** @param namePrefix makes the probes' event names unique to one runner in one benchmark run */
  FreshnessProbe(Connection connection, int apiPort, String namePrefix) {
    this.connection = connection;
    this.countsEndpoint = URI.create("http://127.0.0.1:" + apiPort + "/api/counts");
    this.namePrefix = namePrefix;
  }

  /**
   * Sends {@code probes} probes on a fixed schedule, polling every pending one each
   * {@link #POLL_MILLIS} ms, so a slow probe does not delay the next ones.
   */
  Result run(int probes) throws IOException, InterruptedException {
    List<Long> latencies = new ArrayList<>();
    List<Probe> pending = new ArrayList<>();
    long nextSend = System.nanoTime();
    try (Table table = connection.getTable(EventTable.NAME)) {
      for (int sent = 0; sent < probes || !pending.isEmpty(); ) {
        if (sent < probes && System.nanoTime() >= nextSend) {
          pending.add(send(table, namePrefix + sent++));
          nextSend += SPACING_MILLIS * 1_000_000;
        }
        for (Iterator<Probe> it = pending.iterator(); it.hasNext(); ) {
          Probe probe = it.next();
          if (counted(probe.name())) {
            latencies.add((System.nanoTime() - probe.writtenNanos()) / 1_000_000);
            it.remove();
          } else if (System.nanoTime() - probe.writtenNanos() > GIVE_UP.toNanos()) {
            latencies.add(Long.MAX_VALUE);
            it.remove();
          }
        }
        Thread.sleep(POLL_MILLIS);
      }
    }
    return new Result(latencies.stream().mapToLong(Long::longValue).sorted().toArray());
  }

  private static Probe send(Table table, String name) throws IOException {
    Event event = new Event(name, "probe-" + name, name, System.currentTimeMillis(), null, null, null, null, null,
        Map.of());
    long written = System.nanoTime();
    table.put(EventTable.put(event, EventJson.toJson(event)));
    return new Probe(name, written);
  }

  /** Whether the API counts the event: any non-zero point in its default range, the last hour. */
  private boolean counted(String name) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(
            URI.create(countsEndpoint + "?event=" + URLEncoder.encode(name, StandardCharsets.UTF_8)))
        .timeout(Duration.ofSeconds(5))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + request.uri() + " answered " + response.statusCode() + ": " + response.body());
    }
    for (JsonNode series : JSON.readTree(response.body()).path("series")) {
      for (JsonNode point : series.path("points")) {
        if (point.path("count").asLong() > 0) {
          return true;
        }
      }
    }
    return false;
  }
}
