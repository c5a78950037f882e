package io.clickstream.api;

import io.clickstream.core.RedisKeys;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.stream.IntStream;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import spark.Request;

/**
 * {@code GET /api/events}: the event catalog, the event names the pipeline has counted: at most
 * {@code limit} of them, those with the most events, since senders choose names and the dashboard
 * asks for one chart per name; with {@code search}, among the names that contain it, so that a rare
 * name can still be found.
 */
final class EventsController {

  /**
   * @param firstSeen the event time of its first event, ISO-8601 UTC
   */
  record Event(String name, long total, String firstSeen, String lastSeen) {}

  /** Tells a client that sees {@code limit} names how many there are. */
  static final String TOTAL_HEADER = "X-Total-Count";

  /** Catalog fields read per HSCAN call. */
  private static final int CATALOG_SLICE = 1_000;

  private final JedisPool redis;

  EventsController(JedisPool redis) {
    this.redis = redis;
  }

  /** The {@code limit} names with the largest totals (then by name), sorted by name. */
  Json.Answer list(Request request) {
    int limit = QueryParams.eventsLimit(request::queryParams);
    String search = QueryParams.eventsSearch(request::queryParams);
    // Senders choose event names, so the catalog can hold any number of them: it is scanned in
    // slices, keeping only the best `limit` so far, never read whole into memory. (HSCAN may
    // return a name twice while Redis rehashes the hash: the count is then a little high.)
    Comparator<Map.Entry<String, Long>> best =
        Map.Entry.<String, Long>comparingByValue()
            .thenComparing(Map.Entry.<String, Long>comparingByKey().reversed());
    PriorityQueue<Map.Entry<String, Long>> top = new PriorityQueue<>(limit + 1, best);
    long count = 0;
    try (Jedis jedis = redis.getResource()) {
      ScanParams slice = new ScanParams().count(CATALOG_SLICE);
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<Map.Entry<String, String>> scanned =
            jedis.hscan(RedisKeys.CATALOG_TOTAL, cursor, slice);
        for (Map.Entry<String, String> e : scanned.getResult()) {
          count++;
          if (search == null || e.getKey().toLowerCase(Locale.ROOT).contains(search)) {
            top.add(Map.entry(e.getKey(), Long.parseLong(e.getValue())));
            if (top.size() > limit) {
              top.poll();
            }
          }
        }
        cursor = scanned.getCursor();
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
    Map<String, Long> totals = new HashMap<>();
    top.forEach(e -> totals.put(e.getKey(), e.getValue()));
    List<String> names = totals.keySet().stream().sorted().toList();
    // Only the names answered: the catalog's other hashes are as large as its totals.
    Response<List<String>> first;
    Response<List<String>> last;
    try (Jedis jedis = redis.getResource();
        Pipeline pipeline = jedis.pipelined()) {
      String[] fields = names.toArray(String[]::new);
      first = names.isEmpty() ? null : pipeline.hmget(RedisKeys.CATALOG_FIRST_SEEN, fields);
      last = names.isEmpty() ? null : pipeline.hmget(RedisKeys.CATALOG_LAST_SEEN, fields);
    }
    List<Event> events =
        IntStream.range(0, names.size())
            .mapToObj(
                i ->
                    new Event(
                        names.get(i),
                        totals.get(names.get(i)),
                        Json.isoOfMillis(first.get().get(i)),
                        Json.isoOfMillis(last.get().get(i))))
            .toList();
    return new Json.Answer(200, events, Map.of(TOTAL_HEADER, String.valueOf(count)));
  }
}
