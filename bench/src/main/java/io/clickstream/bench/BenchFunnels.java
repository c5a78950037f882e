package io.clickstream.bench;

import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.JedisPooled;

/**
 * The funnels every engine evaluates, one of each kind the pipeline handles, over the names and
 * pages {@code JourneyGenerator} produces: page_view (/landing, then /pricing and other pages),
 * search, questionnaire_start, register, checkout.
 */
final class BenchFunnels {

  /** Id -> definition as a client would PUT it. */
  private static final Map<String, String> DEFINITIONS =
      Map.of(
          "bench_signup",
              """
          {"steps":[{"event":"page_view","where":{"page":"/landing"}},{"event":"search"},
                    {"event":"register"},{"event":"checkout"}],
           "exclude":[{"event":"page_view","where":{"page":"/pricing"},"after_step":1,"before_step":2}],
           "breakdown":["source"]}""",
          "bench_strict",
              """
          {"steps":[{"event":"search"},{"event":"questionnaire_start"},{"event":"register"}],
           "order":"strict"}""",
          "bench_any",
              """
          {"steps":[{"event":"checkout"},{"event":"register"},{"event":"questionnaire_start","where":{"properties.questionnaire":"divorce"}}],
           "order":"any"}""",
          "bench_user",
              """
          {"steps":[{"event":"page_view","where":{"page":"/landing"}},{"event":"questionnaire_start"},
                    {"event":"checkout"}],
           "scope":"user","window":"PT1H"}""");

  private BenchFunnels() {}

  /**
   * The definitions as the API stores them: version 1, live from the epoch (every session counts).
   */
  static List<FunnelDefinition> definitions() {
    return DEFINITIONS.entrySet().stream()
        .map(d -> FunnelDefinitions.parse(d.getValue(), d.getKey()).withVersion(1, 0))
        .sorted(Comparator.comparing(FunnelDefinition::id))
        .toList();
  }

  /** One definition as a client would PUT it, e.g. to {@code /api/funnels/<id>}. */
  static String json(String id) {
    String json = DEFINITIONS.get(id);
    if (json == null) {
      throw new IllegalArgumentException("no bench funnel " + id);
    }
    return json;
  }

  /** Stores them where the API would, for the pipeline to read. */
  static void store(JedisPooled redis, List<FunnelDefinition> funnels) {
    for (FunnelDefinition f : funnels) {
      redis.hset(RedisKeys.FUNNELS, f.id(), FunnelDefinitions.toJson(f));
    }
  }
}
