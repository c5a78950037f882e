package io.clickstream.launcher;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The one HBase mini cluster of this test JVM, started on first use (about 30 s) and shared by every
 * test class: the machine has two cores, and a second cluster would double that wait for nothing. The
 * forked JVM's exit ends it.
 */
final class MiniHBase {

  private static EmbeddedHBase instance;

  private MiniHBase() {}

  static synchronized EmbeddedHBase get() throws Exception {
    if (instance == null) {
      String base = System.getProperty(EmbeddedHBase.DATA_DIR_PROPERTY, "target/test-data");
      Path dir = Paths.get(base, "launcher-hbase-" + ProcessHandle.current().pid());
      instance = EmbeddedHBase.start(dir);
    }
    return instance;
  }
}
