package io.clickstream.api;

import io.clickstream.core.RedisKeys;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/** {@code GET /api/events}: the event catalog, every event name the pipeline has counted. */
final class EventsController {

  /**
   * @param firstSeen the event time of its first event, ISO-8601 UTC
   */
  record Event(String name, long total, String firstSeen, String lastSeen) {}

  private final JedisPool redis;

  EventsController(JedisPool redis) {
    this.redis = redis;
  }

  /** The catalog sorted by name. */
  List<Event> list() {
    Response<Map<String, String>> totals;
    Response<Map<String, String>> first;
    Response<Map<String, String>> last;
    try (Jedis jedis = redis.getResource();
        Pipeline pipeline = jedis.pipelined()) {
      totals = pipeline.hgetAll(RedisKeys.CATALOG_TOTAL);
      first = pipeline.hgetAll(RedisKeys.CATALOG_FIRST_SEEN);
      last = pipeline.hgetAll(RedisKeys.CATALOG_LAST_SEEN);
    }
    return new TreeMap<>(totals.get())
        .entrySet().stream()
            .map(
                e ->
                    new Event(
                        e.getKey(),
                        Long.parseLong(e.getValue()),
                        Json.isoOfMillis(first.get().get(e.getKey())),
                        Json.isoOfMillis(last.get().get(e.getKey()))))
            .toList();
  }
}
