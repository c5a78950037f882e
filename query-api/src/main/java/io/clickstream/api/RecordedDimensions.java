package io.clickstream.api;

import io.clickstream.core.DimensionName;
import io.clickstream.core.Dimensions;
import io.clickstream.core.RedisKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * The dimensions there are counts by: every one a live pipeline has counted by ({@link
 * RedisKeys#DIMENSIONS}), also those since dropped from its list, whose counts stay readable.
 * Before any pipeline has recorded its list, the default ones ({@link Dimensions#DEFAULT}). For
 * {@code by=}, read again at most every {@link #REUSE_FOR}, or at once for a name the last read did
 * not have: a dimension a pipeline has just started counting by is offered at once, and a refusal
 * lists what Redis holds now. {@code /api/dimensions} reads at every request ({@link #read}), so
 * every name it lists is one {@code by=} accepts.
 */
final class RecordedDimensions {

  static final Duration REUSE_FOR = Duration.ofSeconds(5);

  /**
   * A dimension there are counts by.
   *
   * @param liveFrom epoch ms when a live pipeline started counting by it; null when it is counted
   *     from the start (the first list a pipeline recorded is live from 0, and the defaults before
   *     any)
   */
  record Recorded(DimensionName name, Long liveFrom) {}

  private final JedisPool redis;
  private final Clock clock;
  private List<Recorded> recorded;
  private Instant readAt = Instant.MIN;

  RecordedDimensions(JedisPool redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  /**
   * The recorded dimensions, by name, read again if {@code wanted} is not among those last read.
   */
  synchronized List<DimensionName> namesLookingFor(String wanted) {
    if (recorded == null
        || !readAt.plus(REUSE_FOR).isAfter(clock.instant())
        || recorded.stream().noneMatch(d -> d.name().wireName().equals(wanted))) {
      read();
    }
    return recorded.stream().map(Recorded::name).toList();
  }

  /**
   * The recorded dimensions with their {@code live_from}, read now: sorted by name, or the defaults
   * in their order.
   */
  synchronized List<Recorded> read() {
    Map<String, String> hash;
    try (Jedis jedis = redis.getResource()) {
      hash = jedis.hgetAll(RedisKeys.DIMENSIONS);
    }
    List<Recorded> read =
        hash.entrySet().stream()
            .map(
                e ->
                    parsedOrNull(
                        e.getKey(), e.getValue())) // a name of a later release: not offered
            .filter(Objects::nonNull)
            .sorted(Comparator.comparing(d -> d.name().wireName()))
            .toList();
    recorded =
        hash.isEmpty()
            ? Dimensions.DEFAULT.names().stream().map(d -> new Recorded(d, null)).toList()
            : read;
    readAt = clock.instant();
    return recorded;
  }

  private static Recorded parsedOrNull(String name, String liveFrom) {
    try {
      return new Recorded(DimensionName.parse(name), liveFromOrNull(liveFrom));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The recorded epoch ms; null for 0 (from the start), and rather than an error should the field
   * hold anything else (the pipeline counts such a one from the start too).
   */
  private static Long liveFromOrNull(String millis) {
    try {
      long parsed = Long.parseLong(millis);
      return parsed == 0 ? null : parsed;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
