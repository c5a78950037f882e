package io.clickstream.pipeline;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import org.apache.beam.sdk.testing.CoderProperties;
import org.junit.jupiter.api.Test;

class SessionContributionCoderTest {

  @Test
  void aContributionSurvivesTheCoderWithEveryField() throws Exception {
    SessionContribution c = new SessionContribution("f.signup.3", "u:ß*", -5L, 1_714_551_330_000L, 2L << 20, true,
        Map.of("cs:cnt:e.search:source:28575855\ngoogle", 2L, "cs:catalog:total\nsearch", -1L),
        Map.of("search", 1_714_551_330_000L), Map.of("search", 1_714_551_390_000L));

    CoderProperties.coderDecodeEncodeEqual(SessionContributionCoder.of(), c);
    CoderProperties.coderDecodeEncodeEqual(SessionContributionCoder.of(),
        new SessionContribution("events", "u", 0, 0, 0, false, Map.of(), Map.of(), Map.of()));
  }

  @Test
  void bytesOfAnotherFormatAreRefusedByName() {
    assertThatThrownBy(() -> SessionContributionCoder.of().decode(new ByteArrayInputStream(new byte[] {9, 0})))
        .isInstanceOf(IOException.class).hasMessageContaining("format 9");
  }
}
