package io.clickstream.api;

import io.clickstream.core.CountPeriod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * Reads the hashes of a {@link ReadPlan} with pipelined HGETALLs, the way every time series is
 * read, in round trips sized by what the hashes hold: a hash may have up to the cap on values
 * (1,000 by default) of fields up to 1 KB each, so a fixed batch of keys could bring back gigabytes
 * in one reply. The first round trip reads a few keys; each next one as many as keep it near {@link
 * #FIELDS_PER_ROUND_TRIP} fields at the size of the hashes just read, at most {@link
 * #MAX_KEYS_PER_ROUND_TRIP}.
 */
final class RangeHashes {

  /** Enough to amortise latency over the small hashes most minutes have. */
  static final int MAX_KEYS_PER_ROUND_TRIP = 1000;

  /** At most about 20 MB per reply, at 1 KB per value. */
  static final int FIELDS_PER_ROUND_TRIP = 20_000;

  /** The first round trip, before the hashes' size is known: at most a cap's worth each. */
  static final int FIRST_ROUND_TRIP_KEYS = 16;

  /** The key of one period's hash. */
  @FunctionalInterface
  interface KeyOf {
    String key(CountPeriod period, long index);
  }

  /** Receives each planned hash (empty when there is none), in order. */
  @FunctionalInterface
  interface Visitor {
    void visit(int bucket, Map<String, String> fields);
  }

  private RangeHashes() {}

  static void read(JedisPool redis, ReadPlan plan, KeyOf keyOf, Visitor visitor) {
    try (Jedis jedis = redis.getResource()) {
      int keys = FIRST_ROUND_TRIP_KEYS;
      for (int first = 0; first < plan.size(); ) {
        int end = Math.min(first + keys, plan.size());
        List<Response<Map<String, String>>> replies = new ArrayList<>(end - first);
        try (Pipeline pipeline = jedis.pipelined()) {
          for (int i = first; i < end; i++) {
            replies.add(pipeline.hgetAll(keyOf.key(plan.period(i), plan.index(i))));
          }
        }
        long fields = 0;
        for (int i = first; i < end; i++) {
          Map<String, String> hash = replies.get(i - first).get();
          fields += hash.size();
          visitor.visit(plan.bucket(i), hash);
        }
        keys = nextRoundTrip(fields, end - first);
        first = end;
      }
    }
  }

  /** Keys for the next round trip, given the fields the last one's {@code keys} held. */
  static int nextRoundTrip(long fields, int keys) {
    long perKey = Math.max(1, (fields + keys - 1) / keys);
    return (int) Math.max(1, Math.min(MAX_KEYS_PER_ROUND_TRIP, FIELDS_PER_ROUND_TRIP / perKey));
  }
}
