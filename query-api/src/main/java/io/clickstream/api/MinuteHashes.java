package io.clickstream.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * Reads the per-minute hashes of a range with pipelined HGETALLs, the way every time series is
 * read, in round trips sized by what the hashes hold: a minute's hash may have up to the cap on
 * values (1,000 by default) of fields up to 1 KB each, so a fixed batch of keys could bring back
 * gigabytes in one reply. The first round trip reads a few keys; each next one as many as keep it
 * near {@link #FIELDS_PER_ROUND_TRIP} fields at the size of the hashes just read, at most {@link
 * #MAX_KEYS_PER_ROUND_TRIP}.
 */
final class MinuteHashes {

  /** Enough to amortise latency over the small hashes most minutes have. */
  static final int MAX_KEYS_PER_ROUND_TRIP = 1000;

  /** At most about 20 MB per reply, at 1 KB per value. */
  static final int FIELDS_PER_ROUND_TRIP = 20_000;

  /** The first round trip, before the hashes' size is known: at most a cap's worth each. */
  static final int FIRST_ROUND_TRIP_KEYS = 16;

  /** Receives each minute's hash (empty when the minute has none), in order. */
  @FunctionalInterface
  interface Visitor {
    /**
     * @param minute the index of the minute in {@link Buckets}, so {@code
     *     buckets.bucketOfMinute[minute]} is its bucket
     */
    void visit(int minute, Map<String, String> fields);
  }

  private MinuteHashes() {}

  static void read(
      JedisPool redis, Buckets buckets, LongFunction<String> keyOfEpochMinute, Visitor visitor) {
    try (Jedis jedis = redis.getResource()) {
      int keys = FIRST_ROUND_TRIP_KEYS;
      for (int first = 0; first < buckets.minutes(); ) {
        int end = Math.min(first + keys, buckets.minutes());
        List<Response<Map<String, String>>> replies = new ArrayList<>(end - first);
        try (Pipeline pipeline = jedis.pipelined()) {
          for (int i = first; i < end; i++) {
            replies.add(pipeline.hgetAll(keyOfEpochMinute.apply(buckets.firstMinute + i)));
          }
        }
        long fields = 0;
        for (int i = first; i < end; i++) {
          Map<String, String> hash = replies.get(i - first).get();
          fields += hash.size();
          visitor.visit(i, hash);
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
