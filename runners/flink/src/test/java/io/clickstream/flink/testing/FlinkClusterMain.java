package io.clickstream.flink.testing;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;

/**
 * A stand-alone Flink 1.19 cluster for the tests: a MiniCluster (one JobManager, one TaskManager
 * with two slots) in its own JVM, every endpoint on 127.0.0.1, REST on the port given as the only
 * argument. Runs until killed.
 */
public final class FlinkClusterMain {

  private FlinkClusterMain() {}

  public static void main(String[] args) throws Exception {
    int restPort = Integer.parseInt(args[0]);
    Configuration conf = new Configuration();
    conf.set(RestOptions.ADDRESS, "127.0.0.1");
    conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    conf.set(RestOptions.PORT, restPort);
    conf.set(RestOptions.BIND_PORT, String.valueOf(restPort));
    conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
    conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
    conf.set(TaskManagerOptions.HOST, "127.0.0.1");
    conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build());
    cluster.start();
    System.out.println("FLINK_REST=" + cluster.getRestAddress().get());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    cluster.close();
                  } catch (Exception ignored) {
                    // exiting
                  }
                }));
    Thread.currentThread().join();
  }
}
