package io.clickstream.api;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import spark.Service;
import spark.embeddedserver.EmbeddedServers;
import spark.embeddedserver.jetty.EmbeddedJettyFactory;
import spark.embeddedserver.jetty.JettyServerFactory;

/**
 * SparkJava's Jetty without two things it does to every request, which let a client choose what the
 * API sees:
 *
 * <ul>
 *   <li>it trusts {@code X-Forwarded-Host}, {@code Forwarded} and the other {@code X-Forwarded-*}
 *       headers (Spark adds Jetty's {@link ForwardedRequestCustomizer}), which replace the {@code
 *       Host} header: a rebinding page, same-origin with its own requests, would send {@code
 *       X-Forwarded-Host: localhost} past {@link AllowedHosts};
 *   <li>it routes by {@code X-HTTP-Method-Override}, so a GET naming DELETE there reaches the
 *       DELETE route. The header is removed before Spark sees it: a request is what its method
 *       says.
 * </ul>
 *
 * And it answers what Jetty refuses by itself, before any route, in the API's JSON ({@link
 * JsonErrorHandler}), and serves the dashboard's files without asking for them at every API request
 * ({@link DashboardFiles}). Everything else is Spark's own Jetty, thread pool included.
 */
final class StrictJetty implements JettyServerFactory {

  private static final String METHOD_OVERRIDE = "X-HTTP-Method-Override";

  /** Spark's name for this kind of embedded server; one for all servers of the JVM. */
  private static final Object IDENTIFIER = StrictJetty.class;

  static {
    EmbeddedServers.add(IDENTIFIER, new EmbeddedJettyFactory(new StrictJetty()));
  }

  private StrictJetty() {}

  /** Makes {@code http} run on this Jetty; call before it starts. */
  static void use(Service http) {
    http.embeddedServerIdentifier(IDENTIFIER);
  }

  /** As Spark's own factory: its pool when threads are configured (they are not, here). */
  @Override
  public Server create(int maxThreads, int minThreads, int threadTimeoutMillis) {
    if (maxThreads > 0) {
      return new Strict(
          new QueuedThreadPool(
              maxThreads,
              minThreads > 0 ? minThreads : 8,
              threadTimeoutMillis > 0 ? threadTimeoutMillis : 60_000));
    }
    return new Strict(new QueuedThreadPool());
  }

  @Override
  public Server create(ThreadPool threadPool) {
    return new Strict(threadPool != null ? threadPool : new QueuedThreadPool());
  }

  /** A Jetty server that reconfigures the connectors Spark gave it as it starts. */
  private static final class Strict extends Server {

    Strict(ThreadPool threadPool) {
      super(threadPool);
      setErrorHandler(new JsonErrorHandler());
    }

    @Override
    protected void doStart() throws Exception {
      for (Connector connector : getConnectors()) {
        HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
        if (http != null) {
          HttpConfiguration config = http.getHttpConfiguration();
          config.getCustomizers().removeIf(ForwardedRequestCustomizer.class::isInstance);
          config.addCustomizer(
              (con, configuration, request) -> request.getHttpFields().remove(METHOD_OVERRIDE));
        }
      }
      setHandler(new DashboardFiles(getHandler()));
      super.doStart();
    }
  }
}
