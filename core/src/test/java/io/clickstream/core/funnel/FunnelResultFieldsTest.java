package io.clickstream.core.funnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.DimensionName;
import io.clickstream.core.funnel.FunnelResultFields.Field;
import io.clickstream.core.funnel.FunnelResultFields.Kind;
import org.junit.jupiter.api.Test;

class FunnelResultFieldsTest {

  @Test
  void everyFieldTheEncoderWritesDecodesToWhatItCounts() {
    assertThat(FunnelResultFields.decode(FunnelResultFields.reached(3)))
        .isEqualTo(new Field(Kind.REACHED, 3, 0, null, null));
    assertThat(FunnelResultFields.decode(FunnelResultFields.secondsToStep(2, 95)))
        .isEqualTo(new Field(Kind.SECONDS_TO_STEP, 2, 95, null, null));
    assertThat(FunnelResultFields.decode(FunnelResultFields.IN_PROGRESS).kind())
        .isEqualTo(Kind.IN_PROGRESS);
    assertThat(FunnelResultFields.decode(FunnelResultFields.DROPPED).kind())
        .isEqualTo(Kind.DROPPED);
  }

  @Test
  void aBreakdownValueKeepsItsColonsAndItsDimension() {
    Field field =
        FunnelResultFields.decode(
            FunnelResultFields.reachedBy(DimensionName.parse("source"), 2, "a:b:c"));

    assertThat(field).isEqualTo(new Field(Kind.REACHED_BY, 2, 0, "source", "a:b:c"));
  }

  @Test
  void aFieldOfAnotherFormIsUnknownRatherThanAnError() {
    assertThat(FunnelResultFields.decode("reached:x").kind()).isEqualTo(Kind.UNKNOWN);
    assertThat(FunnelResultFields.decode("secs:2").kind()).isEqualTo(Kind.UNKNOWN);
    assertThat(FunnelResultFields.decode("by:source").kind()).isEqualTo(Kind.UNKNOWN);
    assertThat(FunnelResultFields.decode("future_field").kind()).isEqualTo(Kind.UNKNOWN);
  }
}
