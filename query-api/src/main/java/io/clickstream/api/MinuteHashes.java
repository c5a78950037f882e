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
 * read.
 */
final class MinuteHashes {

  /**
   * Keys read per round trip: large enough to amortise latency, small enough to keep replies
   * modest.
   */
  private static final int KEYS_PER_ROUND_TRIP = 1000;

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
      for (int first = 0; first < buckets.minutes(); first += KEYS_PER_ROUND_TRIP) {
        int end = Math.min(first + KEYS_PER_ROUND_TRIP, buckets.minutes());
        List<Response<Map<String, String>>> replies = new ArrayList<>(end - first);
        try (Pipeline pipeline = jedis.pipelined()) {
          for (int i = first; i < end; i++) {
            replies.add(pipeline.hgetAll(keyOfEpochMinute.apply(buckets.firstMinute + i)));
          }
        }
        for (int i = first; i < end; i++) {
          visitor.visit(i, replies.get(i - first).get());
        }
      }
    }
  }
}
