package io.clickstream.api;

import io.clickstream.core.RedisKeys;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
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

  private final JedisPool redis;

  EventsController(JedisPool redis) {
    this.redis = redis;
  }

  /** The {@code limit} names with the largest totals (then by name), sorted by name. */
  Json.Answer list(Request request) {
    int limit = QueryParams.eventsLimit(request::queryParams);
    String search = QueryParams.eventsSearch(request::queryParams);
    Map<String, String> totals;
    try (Jedis jedis = redis.getResource()) {
      totals = jedis.hgetAll(RedisKeys.CATALOG_TOTAL);
    }
    List<String> names =
        totals.entrySet().stream()
            .filter(e -> search == null || e.getKey().toLowerCase(Locale.ROOT).contains(search))
            .map(e -> Map.entry(e.getKey(), Long.parseLong(e.getValue())))
            .sorted(
                Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                    .thenComparing(Map.Entry.comparingByKey()))
            .limit(limit)
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
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
                        Long.parseLong(totals.get(names.get(i))),
                        Json.isoOfMillis(first.get().get(i)),
                        Json.isoOfMillis(last.get().get(i))))
            .toList();
    return new Json.Answer(200, events, Map.of(TOTAL_HEADER, String.valueOf(totals.size())));
  }
}
