package io.clickstream.storm;

import org.apache.storm.LocalCluster;

/**
 * The in-process Storm of this JVM: started on first use (it takes seconds: ZooKeeper, Nimbus, a
 * supervisor), then shared by every job, and shut down with the JVM.
 */
final class SharedLocalCluster {
  private static LocalCluster cluster;

  private SharedLocalCluster() {}

  static synchronized LocalCluster get() throws Exception {
    if (cluster == null) {
      LocalCluster started = new LocalCluster();
      Runtime.getRuntime().addShutdownHook(new Thread(started::shutdown, "storm-local-shutdown"));
      cluster = started;
    }
    return cluster;
  }
}
