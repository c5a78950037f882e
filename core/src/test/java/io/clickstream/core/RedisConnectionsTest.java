package io.clickstream.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisConnectionsTest {

  @Test
  void aUrlKeepsItsPasswordTlsAndDatabase() {
    assertThat(RedisConnections.uri("rediss://user:secret@127.0.0.1:6380/3"))
        .satisfies(
            uri -> {
              assertThat(uri.getScheme()).isEqualTo("rediss");
              assertThat(uri.getUserInfo()).isEqualTo("user:secret");
              assertThat(uri.getPath()).isEqualTo("/3");
            });
  }

  @Test
  void aUrlThatIsNoRedisUrlIsRefusedWithWhatItShouldLookLike() {
    assertThatThrownBy(() -> RedisConnections.uri("http://127.0.0.1:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http://127.0.0.1:6379")
        .hasMessageContaining("redis://");
    assertThatThrownBy(() -> RedisConnections.uri("redis://bad host"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a URL");
  }

  @Test
  void aRefusedUrlIsNamedWithoutItsPassword() {
    assertThatThrownBy(() -> RedisConnections.uri("http://alice:s3cret@127.0.0.1:6379"))
        .hasMessageContaining("http://alice:***@127.0.0.1:6379")
        .hasMessageNotContaining("s3cret");
    assertThatThrownBy(() -> RedisConnections.uri("redis://alice:s3cret@bad host"))
        .hasMessageContaining("is not a URL")
        .hasMessageNotContaining("s3cret")
        .hasNoCause();
  }
}
