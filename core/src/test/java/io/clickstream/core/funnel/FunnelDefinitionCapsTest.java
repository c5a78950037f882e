package io.clickstream.core.funnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FunnelDefinitionCapsTest {

  private static final String TWO_STEPS = "{\"event\":\"a\"},{\"event\":\"b\"}";

  @Test
  void tenExclusionsAreAcceptedAndAnEleventhIsRefusedNamingExcludeAndTheLimit() {
    assertThat(FunnelDefinitions.parse(withExclusions(10), "f").exclusions()).hasSize(10);

    assertThatThrownBy(() -> FunnelDefinitions.parse(withExclusions(11), "f"))
        .isInstanceOf(InvalidFunnelException.class)
        .hasMessage("exclude: at most 10 exclusions, got 11");
  }

  @Test
  void tenWhereConditionsPerStepAreAcceptedAndAnEleventhIsRefusedNamingTheStep() {
    String ten = "{\"steps\":[{\"event\":\"a\",\"where\":" + where(10) + "},{\"event\":\"b\"}]}";
    String eleven = "{\"steps\":[{\"event\":\"a\"},{\"event\":\"b\",\"where\":" + where(11) + "}]}";

    assertThat(FunnelDefinitions.parse(ten, "f").steps().get(0).where()).hasSize(10);
    assertThatThrownBy(() -> FunnelDefinitions.parse(eleven, "f"))
        .isInstanceOf(InvalidFunnelException.class)
        .hasMessage("steps[1].where: at most 10 conditions, got 11");
  }

  @Test
  void anExclusionsWhereConditionsAreCappedLikeAStepsOnes() {
    String json =
        "{\"steps\":["
            + TWO_STEPS
            + "],\"exclude\":[{\"event\":\"x\",\"after_step\":1,\"where\":"
            + where(11)
            + "}]}";

    assertThatThrownBy(() -> FunnelDefinitions.parse(json, "f"))
        .isInstanceOf(InvalidFunnelException.class)
        .hasMessage("exclude[0].where: at most 10 conditions, got 11");
  }

  @Test
  void twentyStepsAreTheMostAFunnelMayHave() {
    String steps =
        IntStream.range(0, 21)
            .mapToObj(i -> "{\"event\":\"e" + i + "\"}")
            .collect(Collectors.joining(","));

    assertThatThrownBy(() -> FunnelDefinitions.parse("{\"steps\":[" + steps + "]}", "f"))
        .isInstanceOf(InvalidFunnelException.class)
        .hasMessage("steps: expected an array of 2 to 20 steps");
  }

  private static String withExclusions(int count) {
    String exclusions =
        IntStream.range(0, count)
            .mapToObj(i -> "{\"event\":\"x" + i + "\",\"after_step\":1}")
            .collect(Collectors.joining(","));
    return "{\"steps\":[" + TWO_STEPS + "],\"exclude\":[" + exclusions + "]}";
  }

  private static String where(int conditions) {
    return IntStream.range(0, conditions)
        .mapToObj(i -> "\"properties.p" + i + "\":\"v\"")
        .collect(Collectors.joining(",", "{", "}"));
  }
}
