package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiConfigTest {

  @Test
  void aConfigurationShowsNeitherItsTokensNorRedissPassword() {
    ApiConfig config =
        new ApiConfig(
            null,
            0,
            "redis://alice:s3cret@127.0.0.1:6379",
            null,
            "api-secret",
            "read-secret",
            List.of("analytics.example.com"));

    assertThat(config.toString())
        .contains("redis://alice:***@127.0.0.1:6379", "analytics.example.com")
        .doesNotContain("s3cret", "api-secret", "read-secret");
  }

  @Test
  void blankTokensMeanNone() {
    ApiConfig config = new ApiConfig(null, 0, "redis://127.0.0.1:6379", null, " ", "", null);

    assertThat(config.apiToken()).isNull();
    assertThat(config.readToken()).isNull();
    assertThat(config.allowedHosts()).isEmpty();
  }
}
