package io.clickstream.storm;

import java.util.List;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;

/**
 * The in-process Storm of this JVM: started on first use (it takes seconds: ZooKeeper, Nimbus, a
 * supervisor), then shared by every job, and shut down with the JVM. Its ZooKeeper listens on the
 * loopback address only ({@link LoopbackZooKeeper}).
 */
final class SharedLocalCluster {
  private static LocalCluster cluster;
  private static LoopbackZooKeeper zooKeeper;

  private SharedLocalCluster() {}

  static synchronized LocalCluster get() throws Exception {
    if (cluster == null) {
      zooKeeper = LoopbackZooKeeper.start();
      LoopbackZooKeeper ours = zooKeeper;
      LocalCluster started =
          new LocalCluster.Builder()
              .withDaemonConf(Config.STORM_ZOOKEEPER_SERVERS, List.of(zooKeeper.host()))
              .withDaemonConf(Config.STORM_ZOOKEEPER_PORT, zooKeeper.port())
              .build();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    started.shutdown();
                    ours.close();
                  },
                  "storm-local-shutdown"));
      cluster = started;
    }
    return cluster;
  }

  /** The port of the cluster's ZooKeeper, once {@link #get} has started it. */
  static synchronized int zooKeeperPort() {
    return zooKeeper.port();
  }
}
