package io.clickstream.api;

import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import io.clickstream.core.funnel.FunnelFailure;
import io.clickstream.core.funnel.InvalidFunnelException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * Funnel definitions in Redis (docs/redis-keys.md): {@code cs:funnels} holds each funnel's current
 * definition, which the running pipeline polls; its last {@link
 * FunnelDefinitions#MAX_VERSIONS_KEPT} versions stay readable.
 */
final class FunnelStore {

  /**
   * What a PUT did: {@code created} false when the funnel existed (changed, or unchanged and kept).
   */
  record Stored(boolean created, String json) {}

  /**
   * Stores a definition as the funnel's next version, atomically: the pipeline never sees a current
   * definition without its version entry. ARGV[1] is the definition's JSON up to its version
   * number, ARGV[2] the rest. A definition equal to the current one (same JSON before the version)
   * is kept as it is, so repeating a PUT does not restart the funnel's counts under a new version.
   * A new funnel is refused ({@code -1}) when ARGV[4] funnels are defined; a stored version drops
   * those ARGV[5] or more versions older. Checked here, in the script, so that two PUTs at once
   * cannot both pass the count.
   */
  private static final String PUT_SCRIPT =
      """
      local current = redis.call('HGET', KEYS[1], ARGV[3])
      if current and string.sub(current, 1, string.len(ARGV[1])) == ARGV[1] then
        return {0, current}
      end
      if not current and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then
        return {-1, ''}
      end
      local version = redis.call('INCR', KEYS[2])
      local json = ARGV[1] .. version .. ARGV[2]
      redis.call('HSET', KEYS[3], tostring(version), json)
      redis.call('HSET', KEYS[1], ARGV[3], json)
      local oldest = version - tonumber(ARGV[5])
      if oldest >= 1 then
        for _, kept in ipairs(redis.call('HKEYS', KEYS[3])) do
          if tonumber(kept) <= oldest then redis.call('HDEL', KEYS[3], kept) end
        end
      end
      if current then return {0, json} end
      return {1, json}
      """;

  /** A valid id never needs escaping in keys; anything else cannot name a stored funnel. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final JedisPool redis;
  private final Clock clock;

  FunnelStore(JedisPool redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  /** The current definitions, by id. */
  Map<String, String> all() {
    try (Jedis jedis = redis.getResource()) {
      return new TreeMap<>(jedis.hgetAll(RedisKeys.FUNNELS));
    }
  }

  /** The current definition's JSON; {@link NotFound} when there is none. */
  String current(String id) {
    String json = null;
    if (ID.matcher(id).matches()) {
      try (Jedis jedis = redis.getResource()) {
        json = jedis.hget(RedisKeys.FUNNELS, id);
      }
    }
    if (json == null) {
      throw new NotFound("no funnel '" + id + "'");
    }
    return json;
  }

  /** Why the pipeline stopped evaluating some version of the funnel, or null when it never did. */
  FunnelFailure failure(String id) {
    if (!ID.matcher(id).matches()) {
      return null;
    }
    try (Jedis jedis = redis.getResource()) {
      return FunnelFailure.parse(jedis.hget(RedisKeys.FUNNEL_FAILURES, id));
    }
  }

  /** Every recorded failure, by funnel id. */
  Map<String, FunnelFailure> failures() {
    Map<String, FunnelFailure> failures = new TreeMap<>();
    try (Jedis jedis = redis.getResource()) {
      jedis
          .hgetAll(RedisKeys.FUNNEL_FAILURES)
          .forEach(
              (id, json) -> {
                FunnelFailure failure = FunnelFailure.parse(json);
                if (failure != null) {
                  failures.put(id, failure);
                }
              });
    }
    return failures;
  }

  /** A stored version's JSON, also of a deleted funnel; {@link NotFound} when there is none. */
  String version(String id, int version) {
    String json = null;
    if (ID.matcher(id).matches()) {
      try (Jedis jedis = redis.getResource()) {
        json = jedis.hget(RedisKeys.funnelVersions(id), String.valueOf(version));
      }
    }
    if (json == null) {
      throw new NotFound("funnel '" + id + "' has no version " + version);
    }
    return json;
  }

  /** The JSON of the version asked for, or the current one when {@code version} is null. */
  String definition(String id, Integer version) {
    return version == null ? current(id) : version(id, version);
  }

  Stored put(FunnelDefinition definition) {
    long liveFrom = clock.millis();
    String json = FunnelDefinitions.toJson(definition.withVersion(0, liveFrom));
    String tail = ",\"live_from\":" + liveFrom + "}";
    String versionAndTail = ",\"version\":0" + tail;
    if (!json.endsWith(versionAndTail)) {
      throw new IllegalStateException(
          "FunnelDefinitions.toJson no longer ends with version and live_from: " + json);
    }
    String head = json.substring(0, json.length() - versionAndTail.length()) + ",\"version\":";
    String id = definition.id();
    Object reply;
    try (Jedis jedis = redis.getResource()) {
      reply =
          jedis.eval(
              PUT_SCRIPT,
              List.of(
                  RedisKeys.FUNNELS,
                  RedisKeys.funnelVersionCounter(id),
                  RedisKeys.funnelVersions(id)),
              List.of(
                  head,
                  tail,
                  id,
                  String.valueOf(FunnelDefinitions.MAX_FUNNELS),
                  String.valueOf(FunnelDefinitions.MAX_VERSIONS_KEPT)));
    }
    List<?> result = (List<?>) reply;
    if ((Long) result.get(0) == -1L) {
      throw new InvalidFunnelException(
          "id",
          "at most "
              + FunnelDefinitions.MAX_FUNNELS
              + " funnels may be defined at once; delete one before defining '"
              + id
              + "'");
    }
    return new Stored(((Long) result.get(0)) == 1L, (String) result.get(1));
  }

  /** Removes the current definition, keeping its versions; false when there was none. */
  boolean delete(String id) {
    if (!ID.matcher(id).matches()) {
      return false;
    }
    try (Jedis jedis = redis.getResource()) {
      return jedis.hdel(RedisKeys.FUNNELS, id) > 0;
    }
  }
}
