package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiServerLifecycleTest {

  // Nothing here reads Redis; the pool connects lazily.
  private static final String NO_REDIS = "redis://127.0.0.1:1";

  @Test
  void severalServersRunSideBySideOnPortsPickedForThem() {
    try (ApiServer one = new ApiServer(new ApiConfig(null, 0, NO_REDIS, null, null));
        ApiServer two = new ApiServer(new ApiConfig(null, 0, NO_REDIS, null, null))) {
      one.start();
      two.start();

      assertThat(one.port()).isPositive().isNotEqualTo(two.port());
    }
  }

  @Test
  void aPortAlreadyInUseFailsTheStartInsteadOfExitingTheJvm() {
    try (ApiServer first = new ApiServer(new ApiConfig(null, 0, NO_REDIS, null, null))) {
      first.start();
      ApiServer second = new ApiServer(new ApiConfig(null, first.port(), NO_REDIS, null, null));

      assertThatThrownBy(second::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(String.valueOf(first.port()));
    }
  }

  @Test
  void withoutABindAddressOnlyLoopbackIsListenedOn() {
    assertThat(new ApiConfig(null, ApiConfig.DEFAULT_PORT, NO_REDIS, null, null).bindAddress())
        .isEqualTo("127.0.0.1");
  }
}
