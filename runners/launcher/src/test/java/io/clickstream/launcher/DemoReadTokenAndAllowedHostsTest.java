package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.client.Clickstream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code demo --read-token --allowed-hosts} reach the API it starts: real requests to it. */
class DemoReadTokenAndAllowedHostsTest {

  private static final String READ_TOKEN = "demo-read-token-0123456789";

  @TempDir Path home;

  @AfterEach
  void forgetHome() {
    System.clearProperty("clickstream.home");
  }

  @Test
  void theDemosApiNeedsTheReadTokenAndAnswersTheAllowedHostsOnly() throws Exception {
    System.setProperty("clickstream.home", home.toString());
    int port = LocalServers.freePort();
    Background demo =
        Background.start(
            "demo",
            "--hbase-zk",
            MiniHBase.get().zk(),
            "--port",
            String.valueOf(port),
            "--no-pipeline",
            "--no-generator",
            "--read-token",
            READ_TOKEN,
            "--allowed-hosts",
            "analytics.example.com,other.example");
    try {
      LocalServers.awaitHealth(port, new ArrayList<>());

      assertThat(statusOf(port, "localhost", null)).isEqualTo(401);
      assertThat(statusOf(port, "localhost", READ_TOKEN)).isEqualTo(200);
      assertThat(statusOf(port, "analytics.example.com", READ_TOKEN)).isEqualTo(200);
      assertThat(statusOf(port, "other.example:443", READ_TOKEN)).isEqualTo(200);
      assertThat(statusOf(port, "evil.example", READ_TOKEN)).isEqualTo(403);
      // The Java client connecting through demo.json finds the read token there.
      assertThat(Clickstream.connect().counts("search").run().source()).isEqualTo("live");
    } finally {
      demo.thread().interrupt();
    }
    Run stopped = demo.end();
    assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
    assertThat(stopped.out())
        .contains("Reads need the read token (the one given with --read-token)")
        .doesNotContain(READ_TOKEN);
  }

  /** The status of {@code GET /api/events} naming {@code host}, with the token if not null. */
  private static int statusOf(int port, String host, String token) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      String request =
          "GET /api/events HTTP/1.0\r\nHost: "
              + host
              + "\r\n"
              + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
              + "\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return Integer.parseInt(answer.split(" ", 3)[1]);
    }
  }
}
