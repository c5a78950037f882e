package io.clickstream.launcher;

import io.clickstream.core.EmbeddedHBase;
import io.clickstream.core.EventTable;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.ConnectionFactory;

/**
 * The one HBase mini cluster of this test JVM, started on first use (about 15 s) and shared by
 * every test class: the machine has two cores, and a second cluster would double that wait for
 * nothing. Its tables live in a root directory of their own, as under {@code demo --data-dir}, so
 * that {@link #restart} can show them surviving a restart. The forked JVM's exit ends it.
 */
final class MiniHBase {

  /** Read once: starting a cluster sets the property to this very folder. */
  private static final Path DIR =
      Paths.get(
          System.getProperty(EmbeddedHBase.DATA_DIR_PROPERTY, "target/test-data"),
          "launcher-hbase-" + ProcessHandle.current().pid());

  private static EmbeddedHBase instance;

  private MiniHBase() {}

  static synchronized EmbeddedHBase get() throws Exception {
    if (instance == null) {
      instance = EmbeddedHBase.start(DIR, DIR.resolve("root"), 0);
    }
    return instance;
  }

  /** The cluster, its events table emptied of what the test classes before wrote there. */
  static synchronized EmbeddedHBase withAnEmptyEventsTable() throws Exception {
    EmbeddedHBase hbase = get();
    hbase.util().deleteTableIfAny(EventTable.NAME);
    try (Connection connection =
            ConnectionFactory.createConnection(hbase.util().getConfiguration());
        Admin admin = connection.getAdmin()) {
      EventTable.createIfMissing(admin);
    }
    return hbase;
  }

  /**
   * Stops the cluster and starts it again on the same root directory, as a demo started again with
   * its {@code --data-dir} does (about 15 s). Unlike the demo's, on another ZooKeeper port: the
   * pipeline keeps an idle HBase connection for a minute in its JVM, here this one, and a pipeline
   * started within that minute takes it up again; on the same port it kept failing with "Zookeeper
   * LIST could not be completed", talking to the new ZooKeeper in the old one's session.
   */
  static synchronized EmbeddedHBase restart() throws Exception {
    get().close();
    instance = null;
    return get();
  }
}
