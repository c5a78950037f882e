package io.clickstream.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pipeline started by {@code analytics run}, as seen from other processes: a file holding its
 * pid while it runs, and a stop request that {@code analytics stop} leaves for it.
 */
final class RunningPipeline {

  private RunningPipeline() {}

  static Path pidFile() {
    return Discovery.home().resolve("run.pid");
  }

  static Path stopRequest() {
    return Discovery.home().resolve("run.stop");
  }

  static void announce(long pid) throws IOException {
    Files.createDirectories(Discovery.home());
    Files.deleteIfExists(stopRequest());
    Files.writeString(pidFile(), Long.toString(pid));
  }

  /** The running pipeline's pid, or -1 when there is none (no file, or its process is gone). */
  static long running() {
    try {
      long pid = Long.parseLong(Files.readString(pidFile()).trim());
      return Discovery.isAlive(pid) ? pid : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  static boolean stopRequested() {
    return Files.exists(stopRequest());
  }

  static void requestStop() throws IOException {
    Files.writeString(stopRequest(), "stop");
  }

  static void withdraw() {
    try {
      Files.deleteIfExists(pidFile());
      Files.deleteIfExists(stopRequest());
    } catch (IOException e) {
      // A stale pid file is recognised by its dead process anyway.
    }
  }
}
