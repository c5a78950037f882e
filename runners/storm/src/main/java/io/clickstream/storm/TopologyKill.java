package io.clickstream.storm;

import java.util.concurrent.TimeUnit;
import org.apache.storm.generated.ExecutorSummary;
import org.apache.storm.generated.KillOptions;
import org.apache.storm.generated.Nimbus;
import org.apache.storm.generated.NotAliveException;
import org.apache.storm.thrift.TException;

/**
 * Kills a topology at once, but not while a supervisor may still be downloading it. A slot whose
 * topology is killed before the topology's code is on its disk fails to let go of it: Storm 2.8
 * catches a FileNotFoundException where {@code Files} throws a NoSuchFileException, and halts the
 * process (exit code 20), which on a LocalCluster is this JVM and on a cluster the supervisor. Once
 * an executor of the topology has sent Nimbus a heartbeat its worker has started, so its code is on
 * disk: only a job cancelled before that waits, at most {@link #WORKER_WAIT_MILLIS}.
 */
final class TopologyKill {
  static final long WORKER_WAIT_MILLIS = 30_000;
  private static final long POLL_MILLIS = 200;

  private TopologyKill() {}

  /** Kills the topology once a worker of it has started, or the wait is over. */
  static void onceAWorkerRuns(Nimbus.Iface nimbus, String topology)
      throws TException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WORKER_WAIT_MILLIS);
    while (!aWorkerRuns(nimbus, topology) && System.nanoTime() < deadline) {
      Thread.sleep(POLL_MILLIS);
    }
    now(nimbus, topology);
  }

  /** Kills the topology at once: for a job whose tasks have already reported. */
  static void now(Nimbus.Iface nimbus, String topology) throws TException {
    KillOptions now = new KillOptions();
    now.set_wait_secs(0);
    nimbus.killTopologyWithOpts(topology, now);
  }

  private static boolean aWorkerRuns(Nimbus.Iface nimbus, String topology) throws TException {
    try {
      return nimbus.getTopologyInfoByName(topology).get_executors().stream()
          .anyMatch(ExecutorSummary::is_set_stats);
    } catch (NotAliveException gone) {
      return true;
    }
  }
}
