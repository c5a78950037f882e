package io.clickstream.storm;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;
import org.apache.storm.ProcessSimulator;
import org.apache.storm.generated.NotAliveException;
import org.apache.storm.generated.TopologySummary;

/**
 * The in-process Storm of this JVM: started on first use (it takes seconds: ZooKeeper, Nimbus, a
 * supervisor), then shared by every job, and shut down with the JVM. Its ZooKeeper listens on the
 * loopback address only ({@link LoopbackZooKeeper}).
 */
final class SharedLocalCluster {
  private static final long SHUT_DOWN_WAIT_MILLIS = 30_000;

  private static LocalCluster cluster;
  private static LoopbackZooKeeper zooKeeper;

  private SharedLocalCluster() {}

  static synchronized LocalCluster get() throws Exception {
    if (cluster == null) {
      zooKeeper = LoopbackZooKeeper.start();
      LoopbackZooKeeper ours = zooKeeper;
      LocalCluster started =
          inProcess()
              .withDaemonConf(Config.STORM_ZOOKEEPER_SERVERS, List.of(zooKeeper.host()))
              .withDaemonConf(Config.STORM_ZOOKEEPER_PORT, zooKeeper.port())
              .build();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      shutDown(started);
                    } catch (Exception e) {
                      System.err.println("Storm's local cluster did not shut down cleanly: " + e);
                    }
                    ours.close();
                  },
                  "storm-local-shutdown"));
      cluster = started;
    }
    return cluster;
  }

  /**
   * A cluster whose workers run in this JVM. After asking a worker to stop, a supervisor's slot
   * sleeps {@code supervisor.worker.shutdown.sleep.secs} (3 s) before it looks again; an in-process
   * worker has stopped when the call returns, so the slot is free at once.
   */
  static LocalCluster.Builder inProcess() {
    return new LocalCluster.Builder()
        .withDaemonConf(Config.SUPERVISOR_WORKER_SHUTDOWN_SLEEP_SECS, 0);
  }

  /** The port of the cluster's ZooKeeper, once {@link #get} has started it. */
  static synchronized int zooKeeperPort() {
    return zooKeeper.port();
  }

  /**
   * Kills what still runs ({@link TopologyKill}) and waits until every slot of the supervisor is
   * idle, then shuts the cluster down. Shutting down interrupts the slots, and a slot interrupted
   * while it stops a worker or writes its local state fails with something other than an
   * InterruptedException, on which Storm halts the JVM (exit code 20).
   */
  static void shutDown(LocalCluster cluster) throws Exception {
    for (TopologySummary topology : cluster.getClusterInfo().get_topologies()) {
      try {
        TopologyKill.onceAWorkerRuns(cluster, topology.get_name());
      } catch (NotAliveException alreadyGone) {
        // killed meanwhile: what follows waits for it all the same
      }
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SHUT_DOWN_WAIT_MILLIS);
    while (!isIdle(cluster) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    cluster.close();
  }

  /**
   * No topology, no worker, and every slot asleep between its checks: a slot's thread is named
   * {@code SLOT_<port>}, and it only sleeps once it has nothing left to do.
   */
  private static boolean isIdle(LocalCluster cluster) throws Exception {
    return cluster.getClusterInfo().get_topologies().isEmpty()
        && ProcessSimulator.getAllProcessHandles().isEmpty()
        && Thread.getAllStackTraces().keySet().stream()
            .filter(thread -> thread.getName().startsWith("SLOT_"))
            .allMatch(slot -> slot.getState() == Thread.State.TIMED_WAITING);
  }
}
