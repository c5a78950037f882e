package io.clickstream.api;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import spark.Request;

/**
 * The host names a request may name in its {@code Host} header, against DNS rebinding: a web page
 * on {@code evil.example} that makes its name resolve to 127.0.0.1 can send requests to a loopback
 * API from the user's browser and read the answers, but the browser still sends {@code Host:
 * evil.example}. Always accepted: 127.0.0.1, localhost, [::1] and the address the API is bound to,
 * with any port; besides these, the names configured ({@code --allowed-hosts}).
 */
final class AllowedHosts {

  /** Longer Host headers are cut in the error message, which quotes them. */
  private static final int SHOWN_LENGTH = 100;

  private final Set<String> names = new LinkedHashSet<>();

  AllowedHosts(String bindAddress, List<String> configured) {
    names.add("127.0.0.1");
    names.add("localhost");
    names.add("[::1]");
    names.add(normal(bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress));
    configured.forEach(name -> names.add(normal(name)));
  }

  /**
   * Returns normally when the request's Host names an accepted host, or when it has none (HTTP/1.0:
   * no browser sends such a request); throws {@link ForbiddenHost} otherwise.
   */
  void check(Request request) {
    String host = request.headers("Host");
    if (host == null || names.contains(normal(withoutPort(host)))) {
      return;
    }
    String shown = host.length() > SHOWN_LENGTH ? host.substring(0, SHOWN_LENGTH) + "…" : host;
    throw new ForbiddenHost(
        "Host: '"
            + shown
            + "' is not a name this server answers to (it answers to "
            + String.join(", ", names)
            + "); to allow it, start the server with --allowed-hosts");
  }

  /** {@code name:port} → {@code name}; {@code [v6]:port} → {@code [v6]}. */
  private static String withoutPort(String host) {
    int colon = host.lastIndexOf(':');
    int bracket = host.lastIndexOf(']');
    return colon > bracket ? host.substring(0, colon) : host;
  }

  private static String normal(String name) {
    return name.trim().toLowerCase(Locale.ROOT);
  }
}
