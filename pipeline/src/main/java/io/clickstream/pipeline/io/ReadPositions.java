package io.clickstream.pipeline.io;

import java.io.Serializable;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Where the unbounded read records how far it has read, per salt bucket, and how dense the writes
 * were.
 */
public interface ReadPositions extends Serializable {

  /**
   * Records that every cell of these buckets written before {@code completeUpTo} has been read, and
   * how many cells per second of write time the buckets together held in what was read last.
   *
   * @param cellsPerSecond the density, or {@code NaN} while the reader has not measured one (the
   *     last recorded density then stays)
   */
  void save(int[] buckets, long completeUpTo, double cellsPerSecond);

  /** The lowest recorded position over all buckets, or -1 when none was recorded. */
  long lowest();

  /**
   * This store as the job running with {@code options} addresses it: the same store, or one at the
   * address the options give (a split restored from a savepoint carries the store of the run that
   * took it).
   */
  default ReadPositions at(PipelineOptions options) {
    return this;
  }
}
