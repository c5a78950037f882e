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
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Table;

/**
 * How fresh the JSON API is: single events, each with a name of its own, are written to HBase one
 * every {@link #SPACING_MILLIS} ms, and each one's latency runs from its write until the API counts
 * it: until {@code GET /api/events?search=PREFIX} lists its name (the catalog answers at most its
 * top names by count, and a probe's count is 1). The catalog is written by the same Lua call as the
 * event's counts, so it shows an event exactly when {@code /api/counts} does; one catalog request
 * per poll serves every pending probe, where a counts request per probe would load the machine
 * being measured with thousands of requests a second once probes pile up behind a slow runner.
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
  private final URI catalogEndpoint;
  private final String namePrefix;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param namePrefix makes the probes' event names unique to one runner in one benchmark run
   */
  FreshnessProbe(Connection connection, int apiPort, String namePrefix) {
    this.connection = connection;
    this.catalogEndpoint =
        URI.create(
            "http://127.0.0.1:"
                + apiPort
                + "/api/events?limit=1000&search="
                + URLEncoder.encode(namePrefix, StandardCharsets.UTF_8));
    this.namePrefix = namePrefix;
  }

  /**
   * Sends {@code probes} probes on a fixed schedule, polling every pending one each {@link
   * #POLL_MILLIS} ms, so a slow probe does not delay the next ones.
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
        Set<String> counted = pending.isEmpty() ? Set.of() : countedNames();
        for (Iterator<Probe> it = pending.iterator(); it.hasNext(); ) {
          Probe probe = it.next();
          if (counted.contains(probe.name())) {
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
    Event event =
        new Event(
            name,
            "probe-" + name,
            name,
            System.currentTimeMillis(),
            null,
            null,
            null,
            null,
            null,
            Map.of());
    long written = System.nanoTime();
    table.put(EventTable.put(event, EventJson.toJson(event)));
    return new Probe(name, written);
  }

  /** The names of every event the API counts. */
  private Set<String> countedNames() throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(catalogEndpoint).timeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          "GET " + request.uri() + " answered " + response.statusCode() + ": " + response.body());
    }
    Set<String> names = new HashSet<>();
    for (JsonNode event : JSON.readTree(response.body())) {
      if (event.path("total").asLong() > 0) {
        names.add(event.path("name").asText());
      }
    }
    return names;
  }
}
