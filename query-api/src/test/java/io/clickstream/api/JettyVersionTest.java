package io.clickstream.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Jetty that SparkJava runs on is the one pinned in the root pom's dependencyManagement, not
 * the 9.4.48 spark-core 2.9.4 asks for (CVE-2023-40167, CVE-2023-26049, CVE-2024-6763).
 */
class JettyVersionTest {

  @RegisterExtension static final ApiFixture api = new ApiFixture();

  /** 9.4.58, as {@link #comparable} writes it. */
  private static final long OLDEST_ACCEPTED = comparable("9.4.58.v20250814");

  /** A class of each Jetty artifact spark-core brings, whose jar's manifest names its version. */
  private static final List<Class<?>> JETTY_CLASSES =
      List.of(
          org.eclipse.jetty.server.Server.class,
          org.eclipse.jetty.http.HttpFields.class,
          org.eclipse.jetty.util.Jetty.class,
          org.eclipse.jetty.io.EndPoint.class,
          org.eclipse.jetty.webapp.WebAppContext.class,
          org.eclipse.jetty.xml.XmlConfiguration.class,
          org.eclipse.jetty.servlet.ServletContextHandler.class,
          org.eclipse.jetty.security.SecurityHandler.class,
          org.eclipse.jetty.util.ajax.JSON.class,
          org.eclipse.jetty.client.HttpClient.class,
          org.eclipse.jetty.websocket.server.WebSocketServerFactory.class,
          org.eclipse.jetty.websocket.common.WebSocketSession.class,
          org.eclipse.jetty.websocket.client.WebSocketClient.class,
          org.eclipse.jetty.websocket.servlet.WebSocketServlet.class,
          org.eclipse.jetty.websocket.api.Session.class);

  @Test
  void theServerRunsOnJetty9458OrNewer() {
    // The version the running server reports (jetty-util's manifest).
    String version = org.eclipse.jetty.server.Server.getVersion();

    assertThat(comparable(version)).as("Jetty %s", version).isGreaterThanOrEqualTo(OLDEST_ACCEPTED);
    assertThat(api.get("/api/health").status()).isEqualTo(200);
  }

  @Test
  void everyJettyJarOnTheClassPathIsOfThatVersion() {
    for (Class<?> type : JETTY_CLASSES) {
      String version = type.getPackage().getImplementationVersion();
      assertThat(version).as("%s's jar version", type.getName()).isNotNull();
      assertThat(comparable(version))
          .as("%s's jar version %s", type.getName(), version)
          .isGreaterThanOrEqualTo(OLDEST_ACCEPTED);
    }
  }

  /** {@code 9.4.58.v20250814} → 9_004_058: major, minor and patch, ordered as numbers. */
  private static long comparable(String version) {
    String[] parts = version.split("\\.");
    return Long.parseLong(parts[0]) * 1_000_000
        + Long.parseLong(parts[1]) * 1_000
        + Long.parseLong(parts[2]);
  }
}
