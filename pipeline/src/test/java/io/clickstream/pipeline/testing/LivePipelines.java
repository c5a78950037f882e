package io.clickstream.pipeline.testing;

import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import io.clickstream.pipeline.ClickstreamOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/** The live pipeline against the shared mini cluster and Redis, as the tests start and inspect it. */
public final class LivePipelines {

  private LivePipelines() {}

  /**
   * Options for the Direct runner on the shared servers, polling fast, whose {@code run()} returns at
   * once as the launcher's does; {@code extra} adds or overrides.
   */
  public static ClickstreamOptions options(String... extra) {
    List<String> args = new ArrayList<>(List.of(
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
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(ClickstreamOptions.class);
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
        .map(StreamEntry::getFields).toList();
  }

  public static Map<String, Long> deadLettersByKind(JedisPooled redis) {
    Map<String, Long> kinds = new HashMap<>();
    deadLetters(redis).forEach(entry -> kinds.merge(entry.get("kind"), 1L, Long::sum));
    return kinds;
  }
}
