package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HostsAllowedByConfigurationTest {

  @RegisterExtension
  static final ApiFixture api = ApiFixture.allowingHosts("analytics.example.com");

  @Test
  void aConfiguredNameIsAcceptedWithAnyPortAndInAnyCase() {
    assertThat(api.sendWithHost("GET", "/api/events", "analytics.example.com", Map.of()).status())
        .isEqualTo(200);
    assertThat(
            api.sendWithHost("GET", "/api/events", "Analytics.Example.com:443", Map.of()).status())
        .isEqualTo(200);
  }

  @Test
  void theLoopbackNamesStayAcceptedAndOthersStayRefused() {
    assertThat(api.sendWithHost("GET", "/api/events", "localhost:4567", Map.of()).status())
        .isEqualTo(200);
    ApiFixture.Reply refused = api.sendWithHost("GET", "/api/events", "evil.example", Map.of());
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("error").asText()).contains("analytics.example.com");
  }
}
