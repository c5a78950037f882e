package io.clickstream.core.funnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FunnelDefinitionsTest {

  private static final String EXAMPLE =
      "{\"id\":\"signup\",\"name\":\"Signup\",\"steps\":[{\"event\":\"page_view\","
          + "\"where\":{\"page\":\"/landing\"}},{\"event\":\"search\"},{\"event\":\"register\"},{\"event\":\"checkout\"}],"
          + "\"order\":\"sequential\",\"scope\":\"session\",\"exclude\":[{\"event\":\"support_chat\",\"after_step\":2,"
          + "\"before_step\":3}],\"breakdown\":[\"source\",\"partner\",\"campaign\"]}";

  @Test
  void theDocumentedExampleParsesAndRoundTrips() {
    FunnelDefinition f = FunnelDefinitions.parse(EXAMPLE, "signup").withVersion(3, 1234L);
    assertThat(f.stepCount()).isEqualTo(4);
    assertThat(FunnelDefinitions.parse(FunnelDefinitions.toJson(f), "signup")).isEqualTo(f);
  }

  @Test
  void eachBadDefinitionIsRefusedNamingTheFieldAtFault() {
    assertRefused("{\"steps\":[{\"event\":\"a\"}]}", "steps:");
    assertRefused("{}", "steps: required");
    assertRefused("{\"steps\":[{\"event\":\"a\"},{}]}", "steps[1].event:");
    assertRefused(
        "{\"steps\":[{\"event\":\"a\"},{\"event\":\"b\"}],\"order\":\"random\"}", "order:");
    assertRefused(
        "{\"steps\":[{\"event\":\"a\"},{\"event\":\"b\"}],\"window\":\"PT1H\"}", "window:");
    assertRefused(
        "{\"steps\":[{\"event\":\"a\"},{\"event\":\"b\"}],\"scope\":\"user\"}", "window:");
    assertRefused(
        "{\"steps\":[{\"event\":\"a\"},{\"event\":\"b\"}],\"scope\":\"user\",\"window\":\"P999999999D\"}",
        "window: at most 30 days (P30D)");
    assertRefused(
        "{\"steps\":[{\"event\":\"a\"},{\"event\":\"b\"}],\"scope\":\"user\",\"window\":\"P999999999999D\"}",
        "window: at most 30 days");
    assertRefused(
        "{\"steps\":[{\"event\":\"a\"},{\"event\":\"b\",\"where\":{\"colour\":\"red\"}}]}",
        "steps[1].where.colour:");
    assertRefused(
        "{\"steps\":[{\"event\":\"a\"},{\"event\":\"b\"}],\"exclude\":[{\"event\":\"x\",\"after_step\":2,\"before_step\":2}]}",
        "exclude[0].before_step:");
    assertRefused(
        "{\"steps\":[{\"event\":\"a\"},{\"event\":\"b\"}],\"breakdown\":[\"country\"]}",
        "breakdown[0]:");
    assertRefused("{\"id\":\"other\",\"steps\":[{\"event\":\"a\"},{\"event\":\"b\"}]}", "id:");
    assertRefused("{\"steps\":[{\"event\":\"a\"},{\"event\":\"b\"}],\"colour\":1}", "colour:");
  }

  private static void assertRefused(String json, String fieldPrefix) {
    assertThatThrownBy(() -> FunnelDefinitions.parse(json, "f"))
        .isInstanceOf(InvalidFunnelException.class)
        .hasMessageStartingWith(fieldPrefix);
  }
}
