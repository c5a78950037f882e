package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How many minute hashes one round trip reads, so that no reply grows with the values stored. */
class RangeHashesTest {

  @Test
  void smallHashesAreReadAThousandToARoundTrip() {
    assertThat(RangeHashes.nextRoundTrip(16 * 5, 16)).isEqualTo(1_000);
    assertThat(RangeHashes.nextRoundTrip(0, 16)).isEqualTo(1_000);
  }

  @Test
  void hashesFullOfValuesAreReadFewToARoundTripSoAReplyStaysNearTwentyThousandFields() {
    assertThat(RangeHashes.nextRoundTrip(16 * 1_002, 16)).isEqualTo(19);
    assertThat(RangeHashes.nextRoundTrip(50_000, 1)).isEqualTo(1);
  }
}
