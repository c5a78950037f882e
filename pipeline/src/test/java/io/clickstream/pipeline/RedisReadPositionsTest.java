package io.clickstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.RedisKeys;
import io.clickstream.pipeline.testing.SharedRedis;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

class RedisReadPositionsTest {

  private JedisPooled redis;
  private final RedisReadPositions positions = new RedisReadPositions(SharedRedis.url());

  @BeforeEach
  void freshRedis() {
    redis = SharedRedis.flushed();
  }

  @AfterEach
  void close() {
    redis.close();
  }

  @Test
  void eachBucketGetsThePositionAndAnEqualShareOfTheDensity() {
    positions.save(new int[] {4, 5, 6, 7}, 1_714_557_600_000L, 10.0);

    assertThat(redis.hgetAll(RedisKeys.READ_POSITIONS))
        .isEqualTo(
            Map.of(
                "4",
                "1714557600000",
                "5",
                "1714557600000",
                "6",
                "1714557600000",
                "7",
                "1714557600000"));
    assertThat(redis.hgetAll(RedisKeys.READ_RATES))
        .isEqualTo(Map.of("4", "2.500000", "5", "2.500000", "6", "2.500000", "7", "2.500000"));
    assertThat(positions.lowest()).isEqualTo(1_714_557_600_000L);
  }

  @Test
  void aSaveWithoutAMeasuredDensityMovesThePositionAndKeepsTheLastDensity() {
    positions.save(new int[] {0, 1}, 1_000, 3.0);
    positions.save(new int[] {0, 1}, 2_000, Double.NaN);
    positions.save(new int[] {2}, 1_500, Double.NaN);

    assertThat(redis.hgetAll(RedisKeys.READ_POSITIONS))
        .isEqualTo(Map.of("0", "2000", "1", "2000", "2", "1500"));
    assertThat(redis.hgetAll(RedisKeys.READ_RATES))
        .isEqualTo(Map.of("0", "1.500000", "1", "1.500000"));
    assertThat(positions.lowest()).isEqualTo(1_500);
  }
}
