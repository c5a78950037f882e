package io.clickstream.launcher;

import java.nio.file.Path;
import org.apache.hadoop.hbase.HBaseTestingUtility;
import org.apache.hadoop.hbase.StartMiniClusterOption;

/** An in-process HBase (ZooKeeper, one master, one region server; no DFS) keeping its data under a directory. */
public final class EmbeddedHBase implements AutoCloseable {

  /** Where HBaseTestingUtility keeps its data; its default is target/test-data under the working directory. */
  static final String DATA_DIR_PROPERTY = "test.build.data.basedirectory";

  private final HBaseTestingUtility util;

  private EmbeddedHBase(HBaseTestingUtility util) {
    this.util = util;
  }

  public static EmbeddedHBase start(Path dataDir) throws Exception {
    System.setProperty(DATA_DIR_PROPERTY, dataDir.toAbsolutePath().toString());
    HBaseTestingUtility util = new HBaseTestingUtility();
    util.getConfiguration().set(DATA_DIR_PROPERTY, dataDir.toAbsolutePath().toString());
    // No mini DFS: HBase keeps its files on the local file system, which starts in half the time.
    // The local file system has no hflush/hsync, which HBase would refuse without this switch.
    util.getConfiguration().setBoolean("hbase.unsafe.stream.capability.enforce", false);
    // Loopback only, and no web UIs: nothing of the demo is reachable from another machine.
    util.getConfiguration().set("hbase.zookeeper.quorum", "127.0.0.1");
    util.getConfiguration().set("hbase.master.ipc.address", "127.0.0.1");
    util.getConfiguration().set("hbase.regionserver.ipc.address", "127.0.0.1");
    util.getConfiguration().setInt("hbase.master.info.port", -1);
    util.getConfiguration().setInt("hbase.regionserver.info.port", -1);
    util.startMiniZKCluster();
    util.startMiniHBaseCluster(StartMiniClusterOption.builder().numRegionServers(1).build());
    return new EmbeddedHBase(util);
  }

  /** {@code host:port} of the cluster's ZooKeeper, what {@code --hbase-zk} takes. */
  public String zk() {
    return "127.0.0.1:" + util.getZkCluster().getClientPort();
  }

  public HBaseTestingUtility util() {
    return util;
  }

  @Override
  public void close() throws java.io.IOException {
    try {
      util.shutdownMiniCluster();
    } finally {
      util.cleanupTestDir();
    }
  }
}
