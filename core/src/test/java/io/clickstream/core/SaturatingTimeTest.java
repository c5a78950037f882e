package io.clickstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SaturatingTimeTest {

  @Test
  void sumsThatFitAreExact() {
    assertThat(SaturatingTime.plus(1_000L, Duration.ofSeconds(2))).isEqualTo(3_000L);
    assertThat(SaturatingTime.plus(1_000L, -3_000L)).isEqualTo(-2_000L);
  }

  @Test
  void sumsThatOverflowStopAtTheEndsOfLong() {
    assertThat(SaturatingTime.plus(Long.MAX_VALUE - 1, 5)).isEqualTo(Long.MAX_VALUE);
    assertThat(SaturatingTime.plus(Long.MIN_VALUE + 1, -5)).isEqualTo(Long.MIN_VALUE);
    assertThat(SaturatingTime.plus(1_714_551_330_000L, Duration.ofDays(999_999_999)))
        .isEqualTo(86_401_714_464_930_000L);
    assertThat(SaturatingTime.plus(1_714_551_330_000L, Duration.ofSeconds(Long.MAX_VALUE)))
        .isEqualTo(Long.MAX_VALUE);
    assertThat(SaturatingTime.millis(Duration.ofSeconds(Long.MIN_VALUE))).isEqualTo(Long.MIN_VALUE);
  }
}
