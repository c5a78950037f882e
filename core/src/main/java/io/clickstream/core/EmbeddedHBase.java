package io.clickstream.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hbase.HBaseTestingUtility;
import org.apache.hadoop.hbase.StartMiniClusterOption;

/**
 * An in-process HBase (ZooKeeper, one master, one region server; no DFS, loopback only, no web UIs)
 * keeping its data under a directory that {@link #close} deletes, or its tables in a root directory
 * of its own that outlives it. The one way this project starts an HBase: the demo, the benchmarks
 * and the tests of the launcher, the pipeline and the Flink runner.
 *
 * <p>It needs {@code hbase-shaded-testing-util} (and JUnit 4, which that calls at run time), an
 * optional dependency of core: a module that starts one declares both.
 */
public final class EmbeddedHBase implements AutoCloseable {

  /**
   * Where HBaseTestingUtility keeps its data; its default is target/test-data under the working
   * directory.
   */
  public static final String DATA_DIR_PROPERTY = "test.build.data.basedirectory";

  private final HBaseTestingUtility util;

  private EmbeddedHBase(HBaseTestingUtility util) {
    this.util = util;
  }

  /** A cluster whose data, under {@code dataDir}, is deleted by {@link #close}. */
  public static EmbeddedHBase start(Path dataDir) throws Exception {
    return start(dataDir, null, 0);
  }

  /**
   * A cluster whose tables live in {@code rootDir} (HBase's {@code hbase.rootdir}: tables,
   * hbase:meta, the master's procedure store and the write-ahead logs), which {@link #close} leaves
   * in place: a cluster started again on the same {@code rootDir} has the same tables and rows. Its
   * ZooKeeper and scratch files stay under {@code dataDir} and are deleted: HBase 2 rebuilds what
   * it kept in ZooKeeper from the root directory. With a null {@code rootDir}, as {@link
   * #start(Path)}.
   *
   * @param zkPort ZooKeeper's client port, 0 for any free one
   */
  public static EmbeddedHBase start(Path dataDir, Path rootDir, int zkPort) throws Exception {
    return start(dataDir, rootDir, zkPort, conf -> {});
  }

  /**
   * As {@link #start(Path, Path, int)}, with {@code tuning} applied to the cluster's configuration
   * after the settings above and before anything starts (the tests' fewer handler threads, say).
   */
  public static EmbeddedHBase start(
      Path dataDir, Path rootDir, int zkPort, Consumer<Configuration> tuning) throws Exception {
    System.setProperty(DATA_DIR_PROPERTY, dataDir.toAbsolutePath().toString());
    HBaseTestingUtility util =
        rootDir == null ? new HBaseTestingUtility() : new KeepingRootDir(rootDir);
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
    tuning.accept(util.getConfiguration());
    util.startMiniZKCluster(1, zkPort > 0 ? new int[] {zkPort} : new int[0]);
    if (zkPort > 0 && util.getZkCluster().getClientPort() != zkPort) {
      util.shutdownMiniZKCluster();
      throw new IllegalStateException(
          "ZooKeeper could not listen on port " + zkPort + ": it is taken");
    }
    util.startMiniHBaseCluster(StartMiniClusterOption.builder().numRegionServers(1).build());
    return new EmbeddedHBase(util);
  }

  /**
   * HBaseTestingUtility puts the root directory in a fresh random directory under its data
   * directory at every start; this one names the same directory every time.
   */
  private static final class KeepingRootDir extends HBaseTestingUtility {
    private final org.apache.hadoop.fs.Path root;

    KeepingRootDir(Path rootDir) {
      this.root = new org.apache.hadoop.fs.Path(rootDir.toAbsolutePath().toUri());
    }

    @Override
    public org.apache.hadoop.fs.Path getDefaultRootDirPath(boolean create) {
      return root;
    }
  }

  /** {@code host:port} of the cluster's ZooKeeper, what {@code --hbase-zk} takes. */
  public String zk() {
    return "127.0.0.1:" + zkPort();
  }

  public int zkPort() {
    return util.getZkCluster().getClientPort();
  }

  public HBaseTestingUtility util() {
    return util;
  }

  @Override
  public void close() throws IOException {
    try {
      util.shutdownMiniCluster();
    } finally {
      util.cleanupTestDir(); // the data directory only: a kept root directory is elsewhere
    }
  }
}
