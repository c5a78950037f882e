package io.clickstream.api;

import io.clickstream.core.DimensionName;
import io.clickstream.core.Dimensions;
import io.clickstream.core.RedisKeys;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;

/**
 * The dimensions there are counts by: every one a live pipeline has counted by
 * ({@link RedisKeys#DIMENSIONS}), also those since dropped from its list, whose counts stay readable.
 * Before any pipeline has recorded its list, the default ones ({@link Dimensions#DEFAULT}). Read again
 * at most every {@link #REUSE_FOR}, or at once for a name the last read did not have: a dimension a
 * pipeline has just started counting by is offered at once, and a refusal lists what Redis holds now.
 */
final class RecordedDimensions {

  static final Duration REUSE_FOR = Duration.ofSeconds(5);

  private final JedisPool redis;
  private final Clock clock;
  private List<DimensionName> names;
  private Instant readAt = Instant.MIN;

  RecordedDimensions(JedisPool redis, Clock clock) {
    this.redis = redis;
    this.clock = clock;
  }

  /** The recorded dimensions, by name, read again if {@code wanted} is not among those last read. */
  synchronized List<DimensionName> namesLookingFor(String wanted) {
    Instant now = clock.instant();
    if (names == null || !readAt.plus(REUSE_FOR).isAfter(now)
        || names.stream().noneMatch(d -> d.wireName().equals(wanted))) {
      List<String> recorded;
      try (Jedis jedis = redis.getResource()) {
        recorded = List.copyOf(jedis.hkeys(RedisKeys.DIMENSIONS));
      }
      names = recorded.isEmpty() ? Dimensions.DEFAULT.names() : recorded.stream()
          .map(RecordedDimensions::parsedOrNull).filter(Objects::nonNull) // a name of a later release: not offered
          .sorted(Comparator.comparing(DimensionName::wireName)).toList();
      readAt = now;
    }
    return names;
  }

  private static DimensionName parsedOrNull(String name) {
    try {
      return DimensionName.parse(name);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
