package io.clickstream.storm;

import java.util.Map;
import org.apache.storm.utils.NimbusClient;
import org.apache.storm.utils.Utils;

/**
 * A cluster's Nimbus as {@code --stormNimbus=host:port} names it (its {@code nimbus.thrift.port},
 * 6627 by default), with the client configuration to reach it: Storm's defaults and any {@code
 * storm.yaml} on the class path or in {@code ~/.storm} (for a transport other than plain Thrift).
 */
record NimbusAddress(String host, int port, Map<String, Object> clientConf) {

  static NimbusAddress parse(String hostPort) {
    if (hostPort == null || hostPort.isBlank()) {
      throw new IllegalArgumentException(
          "--localCluster=false submits to a cluster: give its Nimbus with --stormNimbus=host:port "
              + "(its nimbus.thrift.port, 6627 by default)");
    }
    int colon = hostPort.lastIndexOf(':');
    try {
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      if (colon <= 0 || port <= 0 || port > 65_535) {
        throw new NumberFormatException(hostPort);
      }
      return new NimbusAddress(hostPort.substring(0, colon), port, Utils.readStormConfig());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--stormNimbus must be host:port (Nimbus's nimbus.thrift.port, 6627 by default), not "
              + hostPort,
          e);
    }
  }

  /** A new client; the caller closes it. Fails naming the address when Nimbus cannot be reached. */
  NimbusClient connect() {
    try {
      return NimbusClient.Builder.withConf(clientConf).buildWithNimbusHostPort(host, port);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Could not reach Nimbus at "
              + this
              + " (--stormNimbus): is it running, and is its nimbus.thrift.port "
              + port
              + "?",
          e);
    }
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
