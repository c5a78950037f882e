package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class HbaseUnreachableHealthTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture("127.0.0.1:" + closedPort());

  @Test
  void anUnreachableHbaseIsReportedDownWithinThreeSeconds() {
    long started = System.nanoTime();
    JsonNode health = api.get("/api/health").json();
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(health.at("/hbase/status").asText()).isEqualTo("down");
    assertThat(health.get("status").asText()).isEqualTo("degraded");
    assertThat(took).isLessThan(Duration.ofMillis(3500));
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
