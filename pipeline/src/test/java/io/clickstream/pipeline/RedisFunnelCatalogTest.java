package io.clickstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.pipeline.testing.LivePipelines;
import io.clickstream.pipeline.testing.SharedRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/**
 * How soon the live job's catalog knows a funnel the API has just saved (the open finding of stop
 * 23: a session handled within 2 s of its funnel's save was evaluated without it).
 */
class RedisFunnelCatalogTest {

  private static final String STEPS =
      "{\"steps\":[{\"event\":\"land\"},{\"event\":\"look\"},{\"event\":\"buy\"}]}";

  private JedisPooled redis;
  private RedisFunnelCatalog catalog;

  @BeforeEach
  void emptyRedisAndAFreshRead() {
    redis = SharedRedis.flushed();
    catalog = new RedisFunnelCatalog(SharedRedis.url());
    assertThat(catalog.current(System.currentTimeMillis())).isEmpty();
  }

  @AfterEach
  void close() {
    redis.close();
  }

  @Test
  void aFunnelSavedJustAfterARefreshCoversTheNextSessionStartingAtOrAfterItsLiveFrom() {
    long liveFrom = System.currentTimeMillis();
    FunnelDefinition saved = LivePipelines.define(redis, "just_saved", liveFrom, STEPS);

    assertThat(catalog.current(liveFrom)).containsExactly(saved);
  }

  @Test
  void aSessionStartedBeforeTheLastReadIsEvaluatedWithoutReadingAgain() {
    long before = System.currentTimeMillis() - 10 * RedisFunnelCatalog.LIVE_FROM_SLACK_MILLIS;
    LivePipelines.define(redis, "just_saved", System.currentTimeMillis(), STEPS);

    // No funnel saved after the read can cover it: its live_from is later than the session start.
    assertThat(catalog.current(before)).isEmpty();
  }
}
