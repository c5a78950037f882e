package io.clickstream.pipeline.io;

import java.io.Serializable;

/** Where the unbounded read records how far it has read, per salt bucket. */
public interface ReadPositions extends Serializable {

  /** Records that every cell of these buckets written before {@code completeUpTo} has been read. */
  void save(int[] buckets, long completeUpTo);

  /** The lowest recorded position over all buckets, or -1 when none was recorded. */
  long lowest();
}
