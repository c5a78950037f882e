package io.clickstream.pipeline;

import io.clickstream.core.RedisKeys;
import java.net.URI;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.redis.RedisIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Appends dead letters to the Redis stream {@link RedisKeys#DEAD_LETTERS} with Beam's own RedisIO
 * (XADD fits: an append-only log needs no idempotent increments; a retried bundle may append an
 * entry twice, never lose one).
 */
public class WriteDeadLetters extends PTransform<PCollection<DeadLetter>, PDone> {

  /** The stream is a log for people to read, not an archive: XADD trims it to about this many. */
  static final long MAX_ENTRIES = 100_000;

  private final String redisUrl;

  public WriteDeadLetters(String redisUrl) {
    this.redisUrl = redisUrl;
  }

  @Override
  public PDone expand(PCollection<DeadLetter> deadLetters) {
    URI redis = URI.create(redisUrl);
    return deadLetters
        .apply("ToStreamEntry", MapElements
            .into(TypeDescriptors.kvs(TypeDescriptors.strings(),
                TypeDescriptors.maps(TypeDescriptors.strings(), TypeDescriptors.strings())))
            .via((DeadLetter d) -> KV.of(RedisKeys.DEAD_LETTERS, Map.of(
                "kind", d.kind().name().toLowerCase(java.util.Locale.ROOT),
                "reason", d.reason(),
                "row", d.rowKey(),
                "written", Long.toString(d.writeTimeMillis()),
                "raw", d.raw()))))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), MapCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())))
        .apply("XaddToDeadLetterStream", RedisIO.writeStreams()
            .withEndpoint(redis.getHost(), redis.getPort() < 0 ? 6379 : redis.getPort())
            .withMaxLen(MAX_ENTRIES)
            .withApproximateTrim(true));
  }
}
