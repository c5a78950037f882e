package io.clickstream.bench;

import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelResultFields;
import io.clickstream.pipeline.Contribution;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.PipelineBase;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Reads the aggregates the engines are compared on (docs/redis-keys.md): event counts ({@code
 * cs:cnt:*}), funnel results ({@code cs:fr:*}) and the catalog's totals, as {@code key + "\n" +
 * field -> count}, like the pipeline tests' {@code RedisCounts.all}, but a page of keys per round
 * trip, so that a million events' aggregates can be re-read every poll.
 *
 * <p>A funnel result that is not complete is counted as {@code open} while its session or window is
 * open, and as {@code dropped} once the watermark has passed it. Which of the two depends only on
 * the wall clock when an engine catches up (the pipeline's watermark follows it; sessions close 30
 * minutes after their last event, user windows after an hour), not on the work done, so the two
 * fields are compared as their sum, {@link #NOT_COMPLETE}. Every other field is compared as it is.
 */
final class RedisAggregates {

  static final String NOT_COMPLETE =
      FunnelResultFields.IN_PROGRESS + "+" + FunnelResultFields.DROPPED;
  private static final String FUNNEL_RESULTS = RedisKeys.PREFIX + "fr:";
  private static final int PAGE = 1000;

  private final JedisPooled redis;

  RedisAggregates(JedisPooled redis) {
    this.redis = redis;
  }

  /** The events counted so far: the sum of the catalog's totals, one small hash. */
  long countedEvents() {
    return redis.hgetAll(RedisKeys.CATALOG_TOTAL).values().stream()
        .mapToLong(Long::parseLong)
        .sum();
  }

  Map<String, Long> read() {
    Map<String, Long> counts = new HashMap<>();
    readMatching(RedisKeys.PREFIX + "cnt:*", counts);
    readMatching(FUNNEL_RESULTS + "*", counts);
    readHashes(List.of(RedisKeys.CATALOG_TOTAL), counts);
    return counts;
  }

  /** What else to look at when the counts do not match. */
  String diagnostics() {
    return "dead letters in "
        + RedisKeys.DEAD_LETTERS
        + ": "
        + redis.xlen(RedisKeys.DEAD_LETTERS)
        + "; funnel failures in "
        + RedisKeys.FUNNEL_FAILURES
        + ": "
        + redis.hgetAll(RedisKeys.FUNNEL_FAILURES);
  }

  /** How many fields differ, then the first {@code limit} of them in key order. */
  static List<String> differences(Map<String, Long> expected, Map<String, Long> actual, int limit) {
    TreeSet<String> fields = new TreeSet<>(expected.keySet());
    fields.addAll(actual.keySet());
    List<String> shown = new ArrayList<>();
    int differing = 0;
    for (String field : fields) {
      Long want = expected.get(field);
      Long got = actual.get(field);
      if (!Objects.equals(want, got)) {
        differing++;
        if (shown.size() < limit) {
          shown.add(
              "  "
                  + field.replace(Contribution.FIELD_SEPARATOR, ' ')
                  + ": expected "
                  + orNone(want)
                  + ", got "
                  + orNone(got));
        }
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        differing
            + " of "
            + fields.size()
            + " count fields differ; the first "
            + shown.size()
            + ":");
    lines.addAll(shown);
    return lines;
  }

  private void readMatching(String pattern, Map<String, Long> counts) {
    ScanParams params = new ScanParams().match(pattern).count(PAGE);
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = redis.scan(cursor, params);
      readHashes(page.getResult(), counts);
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
  }

  private void readHashes(List<String> keys, Map<String, Long> counts) {
    List<Response<Map<String, String>>> hashes = new ArrayList<>(keys.size());
    try (PipelineBase pipeline = redis.pipelined()) {
      keys.forEach(key -> hashes.add(pipeline.hgetAll(key)));
      pipeline.sync();
    }
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      hashes
          .get(i)
          .get()
          .forEach(
              (field, count) -> {
                // A dimension value's field at 0 counts nothing: it keeps the value admitted under
                // the cap on
                // distinct values (docs/redis-keys.md), and the baseline has no such field.
                if (Long.parseLong(count) != 0) {
                  counts.merge(
                      Contribution.countField(key, compared(key, field)),
                      Long.parseLong(count),
                      Long::sum);
                }
              });
    }
  }

  private static String compared(String key, String field) {
    boolean notComplete =
        field.equals(FunnelResultFields.IN_PROGRESS) || field.equals(FunnelResultFields.DROPPED);
    return notComplete && key.startsWith(FUNNEL_RESULTS) ? NOT_COMPLETE : field;
  }

  private static String orNone(Long count) {
    return count == null ? "none" : count.toString();
  }
}
