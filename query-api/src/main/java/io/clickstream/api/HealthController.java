package io.clickstream.api;

import io.clickstream.core.RedisKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@code GET /api/health}: whether Redis, HBase and the pipeline are working. Overall "ok" unless Redis
 * is down, HBase is down, or the pipeline has stalled; a pipeline that never ran is "unknown", not bad.
 * Until the program running the API says everything is up (see {@link ApiServer#markReady()}), the overall
 * status is "starting" whatever the components say, answered with 503 so that whoever waits for health
 * keeps waiting.
 */
final class HealthController {

  /** The pipeline refreshes its heartbeat about every second; this much silence means it stalled. */
  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(HealthController.class);

  record Component(String status) {}

  /** @param watermark the pipeline's event-time watermark, ISO-8601 UTC, or null */
  record PipelineStatus(String status, String watermark, String heartbeat) {}

  /** @param deadLetters events the pipeline could not use; null when Redis is down */
  record Health(String status, Component redis, Component hbase, PipelineStatus pipeline, Long deadLetters) {}

  private static final PipelineStatus PIPELINE_UNKNOWN = new PipelineStatus("unknown", null, null);

  private final JedisPool redis;
  private final HbaseProbe hbase;
  private final Clock clock;
  private final BooleanSupplier ready;

  HealthController(JedisPool redis, HbaseProbe hbase, Clock clock, BooleanSupplier ready) {
    this.redis = redis;
    this.hbase = hbase;
    this.clock = clock;
    this.ready = ready;
  }

  /** The components' state, under "starting" and 503 while not ready; else 200, also when degraded. */
  Json.Answer report() {
    Health health = check();
    if (ready.getAsBoolean()) {
      return new Json.Answer(200, health);
    }
    // What load balancers and scripts take for "not yet, ask again in a second".
    return new Json.Answer(503,
        new Health("starting", health.redis(), health.hbase(), health.pipeline(), health.deadLetters()),
        Map.of("Retry-After", "1"));
  }

  private Health check() {
    String hbaseStatus = hbase.status();
    Response<Map<String, String>> pipeline;
    Response<Long> deadLetters;
    try (Jedis jedis = redis.getResource(); Pipeline replies = jedis.pipelined()) {
      pipeline = replies.hgetAll(RedisKeys.PIPELINE_STATUS);
      deadLetters = replies.xlen(RedisKeys.DEAD_LETTERS);
    } catch (JedisException e) {
      LOG.warn("Redis is down: {}", e.toString());
      return new Health("degraded", new Component("down"), new Component(hbaseStatus), PIPELINE_UNKNOWN, null);
    }
    PipelineStatus pipelineStatus = pipelineStatus(pipeline.get());
    boolean ok = !hbaseStatus.equals(HbaseProbe.DOWN) && !pipelineStatus.status().equals("stalled");
    return new Health(ok ? "ok" : "degraded", new Component("up"), new Component(hbaseStatus), pipelineStatus,
        deadLetters.get());
  }

  private PipelineStatus pipelineStatus(Map<String, String> fields) {
    String heartbeat = fields.get(RedisKeys.STATUS_HEARTBEAT_MS);
    if (heartbeat == null) {
      return PIPELINE_UNKNOWN;
    }
    long silentMillis = clock.millis() - Long.parseLong(heartbeat);
    return new PipelineStatus(
        silentMillis <= HEARTBEAT_TIMEOUT.toMillis() ? "running" : "stalled",
        Json.isoOfMillis(fields.get(RedisKeys.STATUS_WATERMARK_MS)),
        Json.isoOfMillis(heartbeat));
  }
}
