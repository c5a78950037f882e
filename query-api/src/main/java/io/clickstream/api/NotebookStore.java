package io.clickstream.api;

import io.clickstream.core.RedisKeys;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * Notebooks in Redis (docs/redis-keys.md): each document under {@code cs:notebook:{id}}, and its
 * title in {@code cs:notebooks}, which lists them and counts them against {@link
 * Notebook#MAX_NOTEBOOKS}.
 */
final class NotebookStore {

  /** What a PUT did: {@code created} false when it replaced a stored notebook. */
  record Stored(boolean created, String json) {}

  /**
   * Stores document ARGV[3] and title ARGV[2] of notebook ARGV[1]; refuses a new one ({@code -1})
   * when ARGV[4] are stored. One script, so that two PUTs at once cannot both pass the count, and
   * the list never names a notebook without its document.
   */
  private static final String PUT_SCRIPT =
      """
      local exists = redis.call('HEXISTS', KEYS[1], ARGV[1])
      if exists == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then
        return -1
      end
      redis.call('SET', KEYS[2], ARGV[3])
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
      if exists == 1 then return 0 end
      return 1
      """;

  /** Removes notebook ARGV[1] from the list and its document; 1 when there was one. */
  private static final String DELETE_SCRIPT =
      """
      redis.call('DEL', KEYS[2])
      return redis.call('HDEL', KEYS[1], ARGV[1])
      """;

  private final JedisPool redis;
  private final Clock clock;

  NotebookStore(JedisPool redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  /** The stored notebooks' titles, by id. */
  Map<String, String> titles() {
    try (Jedis jedis = redis.getResource()) {
      return new TreeMap<>(jedis.hgetAll(RedisKeys.NOTEBOOKS));
    }
  }

  /** A notebook's document; {@link NotFound} when there is none. */
  String get(String id) {
    String json = null;
    if (Notebook.ID.matcher(id).matches()) {
      try (Jedis jedis = redis.getResource()) {
        json = jedis.get(RedisKeys.notebook(id));
      }
    }
    if (json == null) {
      throw new NotFound("no notebook '" + BadRequest.shown(id) + "'");
    }
    return json;
  }

  Stored put(Notebook notebook) {
    String json = notebook.toJson(Instant.now(clock));
    Object reply;
    try (Jedis jedis = redis.getResource()) {
      reply =
          jedis.eval(
              PUT_SCRIPT,
              List.of(RedisKeys.NOTEBOOKS, RedisKeys.notebook(notebook.id())),
              List.of(
                  notebook.id(), notebook.title(), json, String.valueOf(Notebook.MAX_NOTEBOOKS)));
    }
    if ((Long) reply == -1L) {
      throw new BadRequest(
          "id",
          "at most "
              + Notebook.MAX_NOTEBOOKS
              + " notebooks may be stored; delete one before saving '"
              + notebook.id()
              + "'");
    }
    return new Stored((Long) reply == 1L, json);
  }

  /** Removes a notebook; false when there was none. */
  boolean delete(String id) {
    if (!Notebook.ID.matcher(id).matches()) {
      return false;
    }
    try (Jedis jedis = redis.getResource()) {
      Object removed =
          jedis.eval(
              DELETE_SCRIPT, List.of(RedisKeys.NOTEBOOKS, RedisKeys.notebook(id)), List.of(id));
      return (Long) removed == 1L;
    }
  }
}
