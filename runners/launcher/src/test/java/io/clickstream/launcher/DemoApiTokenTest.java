package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoApiTokenTest {

  @Test
  void theOptionWinsOverTheEnvironmentAndIsNotPrinted() {
    DemoCommand.ApiToken token = DemoCommand.apiToken("from-option", "from-env");

    assertThat(token.value()).isEqualTo("from-option");
    assertThat(token.shown()).doesNotContain("from-option");
  }

  @Test
  void theEnvironmentIsUsedWithoutTheOption() {
    assertThat(DemoCommand.apiToken(null, "from-env").value()).isEqualTo("from-env");
    assertThat(DemoCommand.apiToken(" ", "from-env").value()).isEqualTo("from-env");
    assertThat(DemoCommand.apiToken(null, "from-env").shown()).isEqualTo("$CLICKSTREAM_API_TOKEN");
  }

  @Test
  void withoutEitherTheDemoMakesUpARandomTokenOf32HexDigitsAndShowsIt() {
    DemoCommand.ApiToken one = DemoCommand.apiToken(null, null);
    DemoCommand.ApiToken two = DemoCommand.apiToken(null, "");

    assertThat(one.value()).matches("[0-9a-f]{32}");
    assertThat(one.shown()).isEqualTo(one.value());
    assertThat(two.value()).matches("[0-9a-f]{32}").isNotEqualTo(one.value());
  }

  @Test
  void theReadTokenComesFromTheOptionElseTheEnvironmentElseReadsAreOpen() {
    assertThat(DemoCommand.readToken("from-option", "from-env")).isEqualTo("from-option");
    assertThat(DemoCommand.readToken(" ", "from-env")).isEqualTo("from-env");
    assertThat(DemoCommand.readToken(null, "")).isNull();
    assertThat(DemoCommand.readToken(null, null)).isNull();
  }
}
