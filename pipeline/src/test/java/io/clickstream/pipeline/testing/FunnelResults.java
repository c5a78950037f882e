package io.clickstream.pipeline.testing;

import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.JedisPooled;

/** Reads a funnel version's results out of Redis. */
public final class FunnelResults {

  private FunnelResults() {}

  /** A funnel version's results with its own key prefix taken off, so versions can be compared. */
  public static Map<String, Long> of(JedisPooled redis, FunnelDefinition f) {
    return of(RedisCounts.all(redis), f);
  }

  /** As {@link #of(JedisPooled, FunnelDefinition)}, from counts as {@link RedisCounts} has them. */
  public static Map<String, Long> of(Map<String, Long> counts, FunnelDefinition f) {
    String prefix = RedisKeys.funnelResults(f.id(), f.version(), 0).replaceAll("0$", "");
    Map<String, Long> results = new TreeMap<>();
    counts.forEach(
        (field, count) -> {
          if (field.startsWith(prefix)) {
            results.put(field.substring(prefix.length()), count);
          }
        });
    return results;
  }
}
