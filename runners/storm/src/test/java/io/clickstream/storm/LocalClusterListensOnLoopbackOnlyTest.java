package io.clickstream.storm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Servers started for Clickstream bind to 127.0.0.1: the LocalCluster's ZooKeeper is ours, on the
 * loopback address, and Storm starts none of its own (which would listen on every interface from
 * port 2000).
 */
class LocalClusterListensOnLoopbackOnlyTest {

  /** Where Storm's own in-process ZooKeeper would listen: the first free port from 2000. */
  private static final int STORMS_OWN_FIRST_PORT = 2000;

  @Test
  void theLocalClustersZooKeeperListensOnTheLoopbackAddressAndNothingOnEveryInterfaceFrom2000()
      throws Exception {
    SharedLocalCluster.get();

    assertThat(ListeningSockets.ofThisProcessOnEveryInterface())
        .as("ports this JVM listens on for every interface")
        .noneMatch(port -> port >= STORMS_OWN_FIRST_PORT && port < STORMS_OWN_FIRST_PORT + 100);
    assertThat(ListeningSockets.onLoopback(SharedLocalCluster.zooKeeperPort()))
        .as("a socket listening on 127.0.0.1 at the ZooKeeper's port")
        .isTrue();
  }
}
