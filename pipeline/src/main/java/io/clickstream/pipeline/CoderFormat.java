package io.clickstream.pipeline;

import java.io.IOException;
import java.io.InputStream;

/**
 * The leading format byte of our coders: what a runner checkpoints (Flink's state, Direct's
 * restarts) may be read by a later release, which must then know what it is reading.
 */
final class CoderFormat {

  private CoderFormat() {}

  /**
   * Reads the format byte and refuses any but {@code expected}, naming {@code what} was being read.
   */
  static void expect(InputStream in, int expected, String what) throws IOException {
    int format = in.read();
    if (format != expected) {
      throw new IOException(
          what + " of format " + format + ", this release reads format " + expected);
    }
  }
}
