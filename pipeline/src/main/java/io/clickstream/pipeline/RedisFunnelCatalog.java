package io.clickstream.pipeline;

import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import io.clickstream.core.funnel.InvalidFunnelException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The funnel definitions stored in Redis by the API, re-read at most every {@link #REFRESH_MILLIS}:
 * how a new, changed or deleted funnel reaches the running pipeline without a restart.
 */
public final class RedisFunnelCatalog implements FunnelCatalog {

  static final long REFRESH_MILLIS = 2_000;
  private static final Logger LOG = LoggerFactory.getLogger(RedisFunnelCatalog.class);

  private final String redisUrl;
  private transient JedisPooled redis;
  private transient List<FunnelDefinition> cached;
  private transient long readAt;

  public RedisFunnelCatalog(String redisUrl) {
    this.redisUrl = redisUrl;
  }

  @Override
  public synchronized List<FunnelDefinition> current() {
    long now = System.currentTimeMillis();
    if (cached == null || now - readAt >= REFRESH_MILLIS) {
      try {
        cached = read();
        readAt = now;
      } catch (JedisException e) {
        // Keep counting with the definitions we have; the next refresh tries again.
        LOG.warn("Could not re-read funnel definitions from {}: {}", redisUrl, e.getMessage());
        if (cached == null) {
          cached = List.of();
        }
        readAt = now;
      }
    }
    return cached;
  }

  private List<FunnelDefinition> read() {
    if (redis == null) {
      redis = new JedisPooled(URI.create(redisUrl));
    }
    List<FunnelDefinition> funnels = new ArrayList<>();
    for (Map.Entry<String, String> stored : redis.hgetAll(RedisKeys.FUNNELS).entrySet()) {
      try {
        funnels.add(FunnelDefinitions.parse(stored.getValue(), stored.getKey()));
      } catch (InvalidFunnelException e) {
        LOG.warn("Ignoring the stored funnel {}: {}", stored.getKey(), e.getMessage());
      }
    }
    return funnels;
  }
}
