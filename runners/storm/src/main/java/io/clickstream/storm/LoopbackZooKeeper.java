package io.clickstream.storm;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import org.apache.storm.shade.org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.storm.shade.org.apache.zookeeper.server.ZooKeeperServer;

/**
 * The ZooKeeper of the in-process LocalCluster, listening on the loopback address only. Storm's own
 * in-process ZooKeeper listens on every interface (port 2000 and up), which a developer's machine
 * or a CI runner should not expose; a LocalCluster given {@code storm.zookeeper.servers} starts
 * none.
 */
final class LoopbackZooKeeper implements AutoCloseable {

  private static final int TICK_MILLIS = 2_000;
  private static final int MAX_CLIENT_CONNECTIONS = 1_000;

  private final NIOServerCnxnFactory factory;

  private LoopbackZooKeeper(NIOServerCnxnFactory factory) {
    this.factory = factory;
  }

  static LoopbackZooKeeper start() throws IOException, InterruptedException {
    File dir = Files.createTempDirectory("clickstream-storm-zk").toFile();
    NIOServerCnxnFactory factory = new NIOServerCnxnFactory();
    factory.configure(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), MAX_CLIENT_CONNECTIONS);
    factory.startup(new ZooKeeperServer(dir, dir, TICK_MILLIS));
    return new LoopbackZooKeeper(factory);
  }

  String host() {
    return InetAddress.getLoopbackAddress().getHostAddress();
  }

  int port() {
    return factory.getLocalPort();
  }

  @Override
  public void close() {
    factory.shutdown();
  }
}
