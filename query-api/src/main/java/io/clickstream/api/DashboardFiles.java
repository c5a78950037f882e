package io.clickstream.api;

import java.io.IOException;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletRequestWrapper;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.HandlerWrapper;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.Resource;

/**
 * Serves the dashboard's files (the classpath's {@code /public}) in front of the API, and sends
 * {@code /api/} requests straight on. Spark's own static files asked the class loader for {@code
 * /public} + path before every request, {@code /api/} ones included: with the launcher's class path
 * of a few hundred jars, a tenth of an API request's CPU under load (docs/benchmarks.md, "API under
 * load"). Like Spark's, they are served before the API's checks: they are the same for everyone and
 * hold no data.
 */
final class DashboardFiles extends HandlerWrapper {

  private static final String API = "/api/";
  private static final String INDEX = "/index.html";

  private final ResourceHandler files = new ResourceHandler();

  DashboardFiles(Handler api) {
    files.setBaseResource(Resource.newClassPathResource("/public"));
    files.setDirectoriesListed(false);
    files.setRedirectWelcome(false);
    addBean(files);
    setHandler(api);
  }

  @Override
  public void setServer(Server server) {
    super.setServer(server);
    files.setServer(server);
  }

  @Override
  public void handle(
      String target, Request baseRequest, HttpServletRequest request, HttpServletResponse response)
      throws IOException, ServletException {
    if (target.equals("/")) {
      // The page itself, not a redirect to /index.html: its address stays the one shared.
      files.handle(INDEX, baseRequest, new Index(request), response);
    } else if (!target.startsWith(API)) {
      files.handle(target, baseRequest, request, response);
    }
    if (!baseRequest.isHandled()) {
      super.handle(target, baseRequest, request, response);
    }
  }

  /** The request for {@code /}, as one for the page: ResourceHandler finds files by the path. */
  private static final class Index extends HttpServletRequestWrapper {
    Index(HttpServletRequest request) {
      super(request);
    }

    @Override
    public String getServletPath() {
      return "";
    }

    @Override
    public String getPathInfo() {
      return INDEX;
    }
  }
}
