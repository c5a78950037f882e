package io.clickstream.pipeline;

import io.clickstream.core.DimensionName;
import io.clickstream.core.RedisConnections;
import io.clickstream.core.RedisKeys;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Applies session contributions to Redis, and their changes to the hour and day rollups, in calls
 * of apply_session_contributions.lua, which swaps each session's previous contribution for the new
 * one and sums the batch's increments per field before applying them. The script's header says why
 * a retried or replayed batch cannot count twice; that is also what makes it safe to retry a failed
 * batch here as a whole. It also caps the distinct values per dimension and minute, and the
 * distinct event names (docs/redis-keys.md, "The cap on distinct values" and "The cap on distinct
 * event names"). Each call also appends a sample of the sessions it applied to the live stream
 * ({@link LiveEventSample}).
 */
public final class ContributionStore implements AutoCloseable {

  private static final String SCRIPT = loadScript();
  private static final List<String> KEYS =
      List.of(RedisKeys.CATALOG_FIRST_SEEN, RedisKeys.CATALOG_LAST_SEEN, RedisKeys.CATALOG_TOTAL);

  private final String redisUrl;
  private final long retentionMillis;
  private final int maxDimensionValues;
  private final int maxEventNames;
  private final JedisPool pool;
  private String sha;

  /** What happened to each contribution of a batch. */
  public record Outcome(int applied, int stale) {}

  /**
   * @param retentionMillis how long a minute's counts are kept after the minute, and a user's
   *     bookkeeping after it was last written
   * @param maxDimensionValues the most values one minute's hash of one metric and dimension counts
   *     in fields of their own; the others are counted under {@link DimensionName#OTHER}
   * @param maxEventNames the most event names counted under metrics of their own; the events of the
   *     others are counted under {@link RedisKeys#METRIC_OTHER_EVENTS}
   */
  public ContributionStore(
      String redisUrl, long retentionMillis, int maxDimensionValues, int maxEventNames) {
    this.redisUrl = redisUrl;
    this.retentionMillis = retentionMillis;
    this.maxDimensionValues = checkedMaxDimensionValues(maxDimensionValues);
    this.maxEventNames = checkedMaxEventNames(maxEventNames);
    this.pool = RedisConnections.pool(redisUrl);
  }

  /** {@code max}, if it is a cap {@code --maxDimensionValues} may be: at least 1. */
  static int checkedMaxDimensionValues(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("--maxDimensionValues: must be at least 1, got " + max);
    }
    return max;
  }

  /** {@code max}, if it is a cap {@code --maxEventNames} may be: at least 1. */
  static int checkedMaxEventNames(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("--maxEventNames: must be at least 1, got " + max);
    }
    return max;
  }

  /**
   * The most count fields one script call applies, a few ms of Redis's only thread: a script holds
   * Redis for all its work, so a call of 500 sessions held every read of the API for tens of ms
   * (docs/benchmarks.md, "API under load"). Smaller calls sum fewer increments per field; this size
   * still shares most of a bundle's minutes and names.
   */
  static final int FIELDS_PER_CALL = 1_000;

  /**
   * Applies a batch, in script calls of at most about {@link #FIELDS_PER_CALL} count fields,
   * waiting through a Redis outage ({@link RedisRetry}).
   */
  public Outcome apply(List<Contribution> batch) {
    int applied = 0;
    for (List<Contribution> call : calls(batch)) {
      applied += applyCall(call).applied();
    }
    return new Outcome(applied, batch.size() - applied);
  }

  /**
   * {@code batch} in order, cut where a call would pass {@link #FIELDS_PER_CALL}; a contribution
   * with more is a call of its own. A contribution's fields are at most three times its counts:
   * each minute's count adds at most its hour's and its day's.
   */
  static List<List<Contribution>> calls(List<Contribution> batch) {
    List<List<Contribution>> calls = new ArrayList<>();
    List<Contribution> call = new ArrayList<>();
    int fields = 0;
    for (Contribution c : batch) {
      int more = c.counts().size();
      if (!call.isEmpty() && fields + more > FIELDS_PER_CALL) {
        calls.add(call);
        call = new ArrayList<>();
        fields = 0;
      }
      call.add(c);
      fields += more;
    }
    if (!call.isEmpty()) {
      calls.add(call);
    }
    return calls;
  }

  private Outcome applyCall(List<Contribution> call) {
    return RedisRetry.call(
        redisUrl,
        "writing " + call.size() + " session contributions",
        () -> {
          try (Jedis jedis = pool.getResource()) {
            if (sha == null) {
              sha = jedis.scriptLoad(SCRIPT);
            }
            try {
              return applyOnce(jedis, call);
            } catch (JedisNoScriptException e) {
              // Redis restarted or flushed its scripts. The script runs atomically, so none of the
              // call was applied: load it again and apply the whole call.
              sha = jedis.scriptLoad(SCRIPT);
              return applyOnce(jedis, call);
            }
          }
        });
  }

  @Override
  public void close() {
    pool.close();
  }

  private Outcome applyOnce(Jedis jedis, List<Contribution> batch) {
    List<?> outcomes =
        (List<?>)
            jedis.evalsha(
                sha, KEYS, args(batch, retentionMillis, maxDimensionValues, maxEventNames));
    List<Boolean> applied = new ArrayList<>(outcomes.size());
    for (Object outcome : outcomes) {
      applied.add((Long) outcome != 0L);
    }
    LiveEventSample.append(jedis, batch, applied);
    int count = (int) applied.stream().filter(a -> a).count();
    return new Outcome(count, batch.size() - count);
  }

  /**
   * The script's arguments for a batch: the retention, the cap on values and its fields, the cap on
   * event names and where the others go, then each contribution's.
   */
  static List<String> args(
      List<Contribution> batch, long retentionMillis, int maxDimensionValues, int maxEventNames) {
    List<String> args = new ArrayList<>();
    args.add(Long.toString(retentionMillis));
    args.add(Integer.toString(maxDimensionValues));
    args.add(DimensionName.NONE);
    args.add(DimensionName.OTHER);
    args.add(Integer.toString(maxEventNames));
    args.add(RedisKeys.METRIC_OTHER_EVENTS);
    args.add(RedisKeys.CATALOG_OTHER_EVENTS);
    for (Contribution c : batch) {
      args.add(RedisKeys.userSessions(c.userId(), c.namespace()));
      args.add(RedisKeys.userSessionPrefix(c.userId(), c.namespace()));
      args.add(RedisKeys.userSealed(c.userId()));
      args.add(c.namespace());
      args.add(Long.toString(c.startMillis()));
      args.add(Long.toString(c.endMillis()));
      args.add(Long.toString(c.version()));
      args.add(c.last() ? "1" : "0");
      args.add(Integer.toString(c.counts().size()));
      args.add(Integer.toString(c.firstSeen().size()));
      for (Map.Entry<String, Long> count : c.counts().entrySet()) {
        args.add(count.getKey());
        args.add(count.getValue().toString());
      }
      for (Map.Entry<String, Long> first : c.firstSeen().entrySet()) {
        args.add(first.getKey());
        args.add(first.getValue().toString());
        args.add(c.lastSeen().get(first.getKey()).toString());
      }
    }
    return args;
  }

  private static String loadScript() {
    try (InputStream in =
        ContributionStore.class.getResourceAsStream("apply_session_contributions.lua")) {
      if (in == null) {
        throw new IllegalStateException(
            "apply_session_contributions.lua is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read apply_session_contributions.lua", e);
    }
  }
}
