package io.clickstream.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.clickstream.core.RedisKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * {@code GET /api/health}: whether Redis, HBase and the pipeline are working. Overall "ok" unless
 * Redis is down, HBase is down, or the pipeline has stalled; a pipeline that never ran is
 * "unknown", not bad. Until the program running the API says everything is up (see {@link
 * ApiServer#markReady()}), the overall status is "starting" whatever the components say, answered
 * with 503 so that whoever waits for health keeps waiting.
 */
final class HealthController {

  /**
   * The pipeline refreshes its heartbeat about every second; this much silence means it stalled.
   */
  private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * A read that keeps up still trails now by its overlap (1 s), a poll interval and up to one
   * recording interval (2 s) of the read positions: this much lag is "caught up".
   */
  private static final Duration CAUGHT_UP_WITHIN = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(HealthController.class);

  record Component(String status) {}

  /**
   * @param version the server's {@code redis_version} from {@code INFO server}; null when Redis is
   *     down or does not answer INFO
   */
  record RedisComponent(String status, String version) {}

  /**
   * @param watermark the pipeline's event-time watermark, ISO-8601 UTC, or null
   * @param lag written as fields of the pipeline object itself
   */
  record PipelineStatus(
      String status, String watermark, String heartbeat, @JsonUnwrapped Lag lag) {}

  /**
   * How far the read of HBase is behind, from the positions and densities its readers record.
   *
   * @param behindSeconds seconds of write time the read has not confirmed yet; null when no
   *     position is recorded
   * @param eventsBehind an estimate of the events in those seconds; null without positions and
   *     densities
   * @param caughtUp whether the read is within {@link #CAUGHT_UP_WITHIN} of now; null when unknown
   */
  record Lag(Double behindSeconds, Long eventsBehind, Boolean caughtUp) {
    static final Lag UNKNOWN = new Lag(null, null, null);
  }

  /**
   * @param deadLetters events the pipeline could not use; null when Redis is down
   * @param deadLettersCounted of those, the late rows a backfill of counts has counted since; null
   *     when Redis is down
   */
  record Health(
      String status,
      RedisComponent redis,
      Component hbase,
      PipelineStatus pipeline,
      Long deadLetters,
      Long deadLettersCounted) {}

  private static final PipelineStatus PIPELINE_UNKNOWN =
      new PipelineStatus("unknown", null, null, Lag.UNKNOWN);

  private final JedisPool redis;
  private final HBaseHealth hbase;
  private final Clock clock;
  private final BooleanSupplier ready;

  HealthController(JedisPool redis, HBaseHealth hbase, Clock clock, BooleanSupplier ready) {
    this.redis = redis;
    this.hbase = hbase;
    this.clock = clock;
    this.ready = ready;
  }

  /**
   * The components' state, under "starting" and 503 while not ready; else 200, also when degraded.
   */
  Json.Answer report() {
    Health health = check();
    if (ready.getAsBoolean()) {
      return new Json.Answer(200, health);
    }
    // What load balancers and scripts take for "not yet, ask again in a second".
    return new Json.Answer(
        503,
        new Health(
            "starting",
            health.redis(),
            health.hbase(),
            health.pipeline(),
            health.deadLetters(),
            health.deadLettersCounted()),
        Map.of("Retry-After", "1"));
  }

  private Health check() {
    String hbaseStatus = hbase.status();
    Response<Map<String, String>> pipeline;
    Response<Map<String, String>> positions;
    Response<Map<String, String>> rates;
    Response<Long> deadLetters;
    Response<List<String>> lateCounted;
    Response<Object> server;
    try (Jedis jedis = redis.getResource();
        Pipeline replies = jedis.pipelined()) {
      pipeline = replies.hgetAll(RedisKeys.PIPELINE_STATUS);
      positions = replies.hgetAll(RedisKeys.READ_POSITIONS);
      rates = replies.hgetAll(RedisKeys.READ_RATES);
      deadLetters = replies.xlen(RedisKeys.DEAD_LETTERS);
      lateCounted = replies.hvals(RedisKeys.LATE_BACKFILLS);
      // In the same round trip: a kilobyte of text, and the version never fails the rest.
      server = replies.sendCommand(Protocol.Command.INFO, "server");
    } catch (JedisException e) {
      LOG.warn("Redis is down: {}", e.toString());
      return new Health(
          "degraded",
          new RedisComponent("down", null),
          new Component(hbaseStatus),
          PIPELINE_UNKNOWN,
          null,
          null);
    }
    PipelineStatus pipelineStatus =
        pipelineStatus(pipeline.get(), lag(positions.get(), rates.get()));
    boolean ok =
        !hbaseStatus.equals(HBaseHealth.DOWN) && !pipelineStatus.status().equals("stalled");
    // Backfilled ranges never overlap (BackfilledRanges), so their late rows add up.
    long counted = lateCounted.get().stream().mapToLong(Long::parseLong).sum();
    return new Health(
        ok ? "ok" : "degraded",
        new RedisComponent("up", redisVersion(server)),
        new Component(hbaseStatus),
        pipelineStatus,
        deadLetters.get(),
        counted);
  }

  /** {@code redis_version} of an {@code INFO server} reply, or null when INFO failed. */
  private static String redisVersion(Response<Object> info) {
    Object reply;
    try {
      reply = info.get();
    } catch (RuntimeException e) {
      // INFO renamed away or refused: the version is not worth a degraded health.
      return null;
    }
    if (!(reply instanceof byte[] bytes)) {
      return null;
    }
    return SafeEncoder.encode(bytes)
        .lines()
        .filter(line -> line.startsWith("redis_version:"))
        .map(line -> line.substring("redis_version:".length()).trim())
        .findFirst()
        .orElse(null);
  }

  private PipelineStatus pipelineStatus(Map<String, String> fields, Lag lag) {
    String heartbeat = fields.get(RedisKeys.STATUS_HEARTBEAT_MS);
    if (heartbeat == null) {
      return new PipelineStatus("unknown", null, null, lag);
    }
    long silentMillis = clock.millis() - Long.parseLong(heartbeat);
    return new PipelineStatus(
        silentMillis <= HEARTBEAT_TIMEOUT.toMillis() ? "running" : "stalled",
        Json.isoOfMillis(fields.get(RedisKeys.STATUS_WATERMARK_MS)),
        Json.isoOfMillis(heartbeat),
        lag);
  }

  /**
   * The lag is that of the bucket furthest behind; buckets with no position yet (only for a moment,
   * when a pipeline first starts) are left out. The events behind add up, over the buckets, the
   * write time each has left to read times the density its reader found last; unknown if a bucket
   * has no density. Both count from the recorded positions as they are: a caught-up read shows a
   * few seconds.
   */
  private Lag lag(Map<String, String> positions, Map<String, String> rates) {
    if (positions.isEmpty()) {
      return Lag.UNKNOWN;
    }
    long now = clock.millis();
    long maxBehindMillis = 0;
    double events = 0;
    boolean everyDensityKnown = true;
    for (Map.Entry<String, String> position : positions.entrySet()) {
      // A pipeline clock ahead of this one must not make a negative lag.
      long behindMillis = Math.max(0, now - Long.parseLong(position.getValue()));
      maxBehindMillis = Math.max(maxBehindMillis, behindMillis);
      String rate = rates.get(position.getKey());
      if (rate == null) {
        everyDensityKnown = false;
      } else {
        events += behindMillis / 1000.0 * Double.parseDouble(rate);
      }
    }
    return new Lag(
        maxBehindMillis / 1000.0,
        everyDensityKnown ? Math.round(events) : null,
        maxBehindMillis <= CAUGHT_UP_WITHIN.toMillis());
  }
}
