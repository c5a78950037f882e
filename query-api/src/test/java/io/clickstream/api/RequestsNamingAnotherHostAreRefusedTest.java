package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.RedisKeys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DNS rebinding: a page on {@code evil.example}, its name made to resolve to 127.0.0.1, sends the
 * API requests from the user's browser with {@code Host: evil.example}. Real requests with that
 * Host, over a socket.
 */
class RequestsNamingAnotherHostAreRefusedTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  @ParameterizedTest(name = "GET {0} naming another host answers 403 naming it")
  @ValueSource(
      strings = {
        "/api/events",
        "/api/health",
        "/api/counts?event=signup",
        "/api/funnels",
        "/api/dimensions",
        "/api/nope"
      })
  void aReadNamingAnotherHostAnswers403NamingTheHost(String path) {
    ApiFixture.Reply reply = api.sendWithHost("GET", path, "evil.example:4567", Map.of());

    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.contentType()).startsWith("application/json");
    assertThat(reply.json().get("error").asText())
        .startsWith("Host: 'evil.example:4567' is not a name this server answers to")
        .contains("--allowed-hosts");
  }

  @Test
  void aWriteNamingAnotherHostIsRefusedEvenWithTheToken() {
    ApiFixture.Reply reply =
        api.sendWithHost(
            "DELETE",
            "/api/funnels/signup",
            "evil.example",
            Map.of("Authorization", "Bearer " + ApiFixture.TOKEN));

    assertThat(reply.status()).isEqualTo(403);
    assertThat(api.redis().exists(RedisKeys.FUNNELS)).isFalse();
  }

  @ParameterizedTest(name = "Host: {0} is answered")
  @ValueSource(
      strings = {"127.0.0.1", "127.0.0.1:4567", "localhost", "LocalHost:80", "[::1]:8080", "[::1]"})
  void theLoopbackNamesAreAcceptedWithAnyPort(String host) {
    ApiFixture.Reply reply = api.sendWithHost("GET", "/api/events", host, Map.of());

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().isArray()).isTrue();
  }

  @ParameterizedTest(name = "Host: {0} is refused")
  @ValueSource(strings = {"localhost.evil.example", "127.0.0.1.nip.io", "localhost.", ""})
  void aNameThatOnlyLooksLikeALoopbackNameIsRefused(String host) {
    assertThat(api.sendWithHost("GET", "/api/events", host, Map.of()).status()).isEqualTo(403);
  }

  @Test
  void forwardingHeadersDoNotStandInForTheHost() {
    // A rebinding page is same-origin with its own requests, so it may add any header it likes;
    // SparkJava's Jetty would take the Host from these.
    for (Map<String, String> forwarding :
        List.of(
            Map.of("X-Forwarded-Host", "localhost"),
            Map.of("Forwarded", "host=localhost"),
            Map.of("X-Forwarded-Server", "localhost"))) {
      assertThat(api.sendWithHost("GET", "/api/events", "evil.example", forwarding).status())
          .as("with %s", forwarding)
          .isEqualTo(403);
    }
  }

  @Test
  void theDashboardsFilesWhichHoldNoDataAreServedWhateverTheHost() {
    // SparkJava serves static files before any filter: documented in docs/api.md.
    ApiFixture.Reply page = api.sendWithHost("GET", "/app.js", "evil.example", Map.of());

    assertThat(page.status()).isEqualTo(200);
  }
}
