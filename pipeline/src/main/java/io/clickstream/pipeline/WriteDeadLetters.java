package io.clickstream.pipeline;

import io.clickstream.core.RedisConnections;
import io.clickstream.core.RedisKeys;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.PipelineBase;
import redis.clients.jedis.params.XAddParams;

/**
 * Appends dead letters to the Redis stream {@link RedisKeys#DEAD_LETTERS}, a bundle's worth per
 * round trip (XADD fits: an append-only log needs no idempotent increments; a retried bundle may
 * append an entry twice, never lose one).
 *
 * <p>It connects with the whole {@code --redisUrl}, as every other writer does: password, TLS
 * ({@code rediss://}) and database. Beam's RedisIO, used before, takes only a host and a port, so
 * against a protected Redis the first dead letter failed the pipeline.
 */
public class WriteDeadLetters extends PTransform<PCollection<DeadLetter>, PDone> {

  /** The stream is a log for people to read, not an archive: XADD trims it to about this many. */
  static final long MAX_ENTRIES = 100_000;

  /**
   * The start of a rejected row is enough to see what is wrong with it; a huge row must not fill
   * Redis.
   */
  static final int MAX_RAW_CHARS = 4096;

  private static final int BATCH_SIZE = 500;

  private final String redisUrl;

  public WriteDeadLetters(String redisUrl) {
    this.redisUrl = redisUrl;
  }

  @Override
  public PDone expand(PCollection<DeadLetter> deadLetters) {
    deadLetters.apply("XaddToDeadLetterStream", ParDo.of(new XaddFn(redisUrl)));
    return PDone.in(deadLetters.getPipeline());
  }

  /** The stream entry of a dead letter; {@code raw} cut to {@link #MAX_RAW_CHARS}, saying so. */
  static Map<String, String> entry(DeadLetter d) {
    return Map.of(
        "kind", d.kind().name().toLowerCase(Locale.ROOT),
        "reason", d.reason(),
        "row", d.rowKey(),
        "written", Long.toString(d.writeTimeMillis()),
        "raw", capped(d.raw()));
  }

  private static String capped(String raw) {
    if (raw == null) {
      return "";
    }
    if (raw.length() <= MAX_RAW_CHARS) {
      return raw;
    }
    int end =
        Character.isHighSurrogate(raw.charAt(MAX_RAW_CHARS - 1))
            ? MAX_RAW_CHARS - 1
            : MAX_RAW_CHARS;
    return raw.substring(0, end) + "…[cut: " + raw.length() + " characters in all]";
  }

  static final class XaddFn extends BatchedRedisWriteFn<DeadLetter, JedisPooled> {
    private final String redisUrl;

    XaddFn(String redisUrl) {
      super(redisUrl, BATCH_SIZE);
      this.redisUrl = redisUrl;
    }

    @Override
    JedisPooled connect(String redisUrl) {
      return RedisConnections.pooled(redisUrl);
    }

    /**
     * Waits through a Redis outage ({@link RedisRetry}). A batch whose answer was lost is added
     * again: a dead letter shown twice is better than one lost, and a replay re-adds them anyway.
     */
    @Override
    void write(JedisPooled redis, List<DeadLetter> batch) {
      XAddParams trimmed = XAddParams.xAddParams().maxLen(MAX_ENTRIES).approximateTrimming();
      RedisRetry.run(
          redisUrl,
          "writing " + batch.size() + " dead letters",
          () -> {
            try (PipelineBase pipeline = redis.pipelined()) {
              for (DeadLetter d : batch) {
                pipeline.xadd(RedisKeys.DEAD_LETTERS, trimmed, entry(d));
              }
              pipeline.sync();
            }
          });
    }
  }
}
