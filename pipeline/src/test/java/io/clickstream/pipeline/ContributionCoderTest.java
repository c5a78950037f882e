package io.clickstream.pipeline;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.jupiter.api.Test;

class ContributionCoderTest {

  @Test
  void aContributionSurvivesTheCoderWithEveryField() throws Exception {
    Contribution c =
        new Contribution(
            "f.signup.3",
            "u:ß*",
            -5L,
            1_714_551_330_000L,
            2L << 20,
            true,
            Map.of("cs:cnt:e.search:source:28575855\ngoogle", 2L, "cs:catalog:total\nsearch", -1L),
            Map.of("search", 1_714_551_330_000L),
            Map.of("search", 1_714_551_390_000L));

    CoderProperties.coderDecodeEncodeEqual(ContributionCoder.of(), c);
    CoderProperties.coderDecodeEncodeEqual(
        ContributionCoder.of(),
        new Contribution("events", "u", 0, 0, 0, false, Map.of(), Map.of(), Map.of()));
  }

  @Test
  void bytesOfAnotherFormatAreRefusedByName() {
    assertThatThrownBy(
            () -> ContributionCoder.of().decode(new ByteArrayInputStream(new byte[] {9, 0})))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("format 9");
  }
}
