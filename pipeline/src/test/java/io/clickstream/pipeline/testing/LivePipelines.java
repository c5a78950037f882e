package io.clickstream.pipeline.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.DimensionName;
import io.clickstream.core.Dimensions;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import io.clickstream.core.generator.JourneyGenerator;
import io.clickstream.pipeline.ClickstreamOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The live pipeline against the shared mini cluster and Redis, as the tests start and inspect it.
 */
public final class LivePipelines {

  private LivePipelines() {}

  private static final DimensionName AD_CONTENT =
      DimensionName.parse(DimensionName.PROPERTY_PREFIX + JourneyGenerator.AD_CONTENT);

  /**
   * The dimensions the oracle tests count by: the default three and a property the generator emits
   * with hostile values ({@link JourneyGenerator#AD_CONTENTS}).
   */
  public static final Dimensions DIMENSIONS =
      Dimensions.parse(Dimensions.DEFAULT_TEXT + "," + AD_CONTENT.wireName());

  /** {@code --dimensions} set to {@link #DIMENSIONS}. */
  public static final String DIMENSIONS_ARG = "--dimensions=" + DIMENSIONS.text();

  /**
   * Asserts that {@code counts} (the oracle's, before they are compared with Redis) hold sessions
   * by every value of the generated property, missing and literal {@code (none)} apart: so a
   * comparison that passes has checked each of them exactly, not a run in which the property never
   * showed.
   */
  public static void assertCountsByEveryAdContent(Map<String, Long> counts) {
    String sessionsByAdContent =
        RedisKeys.countsPrefix(RedisKeys.METRIC_SESSIONS, AD_CONTENT.keyPart());
    for (String value : JourneyGenerator.AD_CONTENTS) {
      String field = "\n" + DimensionName.field(value);
      assertThat(counts.keySet())
          .as("sessions by %s = %s", AD_CONTENT, value)
          .anyMatch(k -> k.startsWith(sessionsByAdContent) && k.endsWith(field));
    }
  }

  /**
   * Options for the Direct runner on the shared servers, polling fast, whose {@code run()} returns
   * at once as the launcher's does; {@code extra} adds or overrides.
   */
  public static ClickstreamOptions options(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--runner=DirectRunner",
                "--blockOnRun=false",
                "--hbaseZk=" + SharedMiniHBase.zkQuorum(),
                "--redisUrl=" + SharedRedis.url(),
                "--outOfOrderness=PT1S",
                "--pollIntervalMillis=100"));
    for (String arg : extra) {
      String name = arg.substring(0, arg.indexOf('=') + 1);
      args.removeIf(base -> base.startsWith(name));
      args.add(arg);
    }
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
        .as(ClickstreamOptions.class);
  }

  /** Stores a funnel as the API does: version 1, live from the given instant. */
  public static FunnelDefinition define(JedisPooled redis, String id, long liveFrom, String json) {
    FunnelDefinition f = FunnelDefinitions.parse(json, id).withVersion(1, liveFrom);
    redis.hset(RedisKeys.FUNNELS, id, FunnelDefinitions.toJson(f));
    return f;
  }

  /** The dead-letter stream's entries, oldest first, each as its fields. */
  public static List<Map<String, String>> deadLetters(JedisPooled redis) {
    return redis.xrange(RedisKeys.DEAD_LETTERS, (StreamEntryID) null, (StreamEntryID) null).stream()
        .map(StreamEntry::getFields)
        .toList();
  }

  /**
   * The dead letters by kind, each counted once: the stream is at-least-once (a retried bundle, or
   * a replay after a restart, appends an entry again, docs/pipeline.md), and an entry is one row's
   * cell set aside for one reason: its kind, row and write time.
   */
  public static Map<String, Long> deadLettersByKind(JedisPooled redis) {
    Map<String, Long> kinds = new HashMap<>();
    deadLetters(redis).stream()
        .map(d -> List.of(d.get("kind"), d.get("row"), d.get("written")))
        .distinct()
        .forEach(entry -> kinds.merge(entry.get(0), 1L, Long::sum));
    return kinds;
  }
}
