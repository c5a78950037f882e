package io.clickstream.pipeline.io;

import io.clickstream.core.EventTable;
import io.clickstream.core.HBaseQuorum;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The unbounded source behind {@link ReadEventsFromHBase}: owns a set of salt buckets of the {@code
 * events} table and reads them by polling write-time ranges (see docs/unbounded-read.md).
 */
final class EventsUnboundedSource extends UnboundedSource<EventRow, EventsCheckpointMark> {

  private static final long serialVersionUID = 1L;

  /**
   * Settings shared by all splits. Immutable and serializable.
   *
   * @param positions where readers record how far they have read, for a restart without a runner
   *     checkpoint; {@code null} to record nothing
   * @param replayMillis how much of the past before the recorded position a restart reads again
   * @param pinned whether {@code hbaseZk} and {@code positions} stay as given, rather than follow
   *     the options of the job running the reader ({@link #addressedBy}). A split restored from a
   *     savepoint of a build older than this component reads it as {@code false}: its addresses
   *     follow the options too.
   */
  record Settings(
      String hbaseZk,
      long pollIntervalMillis,
      long readOverlapMillis,
      long outOfOrdernessMillis,
      long startAtMillis,
      long maxSliceMillis,
      ReadPositions positions,
      long replayMillis,
      boolean pinned)
      implements java.io.Serializable {

    Settings withPollInterval(long ms) {
      return new Settings(
          hbaseZk,
          ms,
          readOverlapMillis,
          outOfOrdernessMillis,
          startAtMillis,
          maxSliceMillis,
          positions,
          replayMillis,
          pinned);
    }

    Settings withReadOverlap(long ms) {
      return new Settings(
          hbaseZk,
          pollIntervalMillis,
          ms,
          outOfOrdernessMillis,
          startAtMillis,
          maxSliceMillis,
          positions,
          replayMillis,
          pinned);
    }

    Settings withOutOfOrderness(long ms) {
      return new Settings(
          hbaseZk,
          pollIntervalMillis,
          readOverlapMillis,
          ms,
          startAtMillis,
          maxSliceMillis,
          positions,
          replayMillis,
          pinned);
    }

    Settings withStartAt(long ms) {
      return new Settings(
          hbaseZk,
          pollIntervalMillis,
          readOverlapMillis,
          outOfOrdernessMillis,
          ms,
          maxSliceMillis,
          positions,
          replayMillis,
          pinned);
    }

    Settings withMaxSlice(long ms) {
      return new Settings(
          hbaseZk,
          pollIntervalMillis,
          readOverlapMillis,
          outOfOrdernessMillis,
          startAtMillis,
          ms,
          positions,
          replayMillis,
          pinned);
    }

    Settings withPositions(ReadPositions store, long replay) {
      return new Settings(
          hbaseZk,
          pollIntervalMillis,
          readOverlapMillis,
          outOfOrdernessMillis,
          startAtMillis,
          maxSliceMillis,
          store,
          replay,
          pinned);
    }

    /**
     * These settings with the HBase and Redis addresses of {@code options}, unless they are pinned.
     * A runner restoring a split from its snapshot (Flink, from a savepoint) hands the reader the
     * split as it was serialized, with the addresses of the run that took the snapshot; the job
     * being started is what knows where HBase and Redis are now.
     */
    Settings addressedBy(PipelineOptions options) {
      if (pinned) {
        return this;
      }
      String zk = options.as(EventsTableOptions.class).getHbaseZk();
      ReadPositions at = positions == null ? null : positions.at(options);
      if (zk.equals(hbaseZk) && at == positions) {
        return this;
      }
      return new Settings(
          zk,
          pollIntervalMillis,
          readOverlapMillis,
          outOfOrdernessMillis,
          startAtMillis,
          maxSliceMillis,
          at,
          replayMillis,
          false);
    }
  }

  private final Settings settings;

  /** Salt buckets this source reads, ascending, distinct. */
  private final int[] buckets;

  EventsUnboundedSource(Settings settings, int[] buckets) {
    this.settings = settings;
    int[] sorted = buckets.clone();
    Arrays.sort(sorted);
    if (sorted.length == 0) {
      throw new IllegalArgumentException("a source needs at least one salt bucket");
    }
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] < 0
          || sorted[i] >= EventTable.SALT_BUCKETS
          || (i > 0 && sorted[i] == sorted[i - 1])) {
        throw new IllegalArgumentException("bad salt buckets " + Arrays.toString(buckets));
      }
    }
    this.buckets = sorted;
  }

  /** A source over all {@link EventTable#SALT_BUCKETS} buckets. */
  static EventsUnboundedSource allBuckets(Settings settings) {
    int[] all = new int[EventTable.SALT_BUCKETS];
    for (int b = 0; b < all.length; b++) {
      all[b] = b;
    }
    return new EventsUnboundedSource(settings, all);
  }

  Settings settings() {
    return settings;
  }

  int[] buckets() {
    return buckets.clone();
  }

  /**
   * The row ranges {@code [start, stop)} to scan: runs of consecutive buckets merged, so a source
   * owning a contiguous block of buckets needs a single scan per poll. An empty stop row means "end
   * of table".
   */
  List<byte[][]> rowRanges() {
    List<byte[][]> ranges = new ArrayList<>();
    int i = 0;
    while (i < buckets.length) {
      int j = i;
      while (j + 1 < buckets.length && buckets[j + 1] == buckets[j] + 1) {
        j++;
      }
      ranges.add(
          new byte[][] {
            EventTable.bucketStart(buckets[i]), EventTable.bucketStart(buckets[j] + 1)
          });
      i = j + 1;
    }
    return ranges;
  }

  /**
   * Splits the owned buckets into {@code min(desiredNumSplits, buckets)} sources of contiguous
   * buckets, sizes differing by at most one.
   */
  @Override
  public List<EventsUnboundedSource> split(int desiredNumSplits, PipelineOptions options) {
    int n = Math.max(1, Math.min(desiredNumSplits, buckets.length));
    List<EventsUnboundedSource> splits = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      int from = (int) ((long) k * buckets.length / n);
      int to = (int) ((long) (k + 1) * buckets.length / n);
      splits.add(new EventsUnboundedSource(settings, Arrays.copyOfRange(buckets, from, to)));
    }
    return splits;
  }

  @Override
  public EventsReader createReader(
      PipelineOptions options, @Nullable EventsCheckpointMark checkpoint) {
    Settings current = settings.addressedBy(options);
    return new EventsReader(
        current == settings ? this : new EventsUnboundedSource(current, buckets), checkpoint);
  }

  @Override
  public Coder<EventsCheckpointMark> getCheckpointMarkCoder() {
    return EventsCheckpointMark.Coder.of();
  }

  @Override
  public Coder<EventRow> getOutputCoder() {
    return EventRowCoder.of();
  }

  @Override
  public boolean requiresDeduping() {
    return false;
  }

  @Override
  public void validate() {
    HBaseQuorum.parse(settings.hbaseZk());
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder
        .add(DisplayData.item("hbaseZk", settings.hbaseZk()).withLabel("ZooKeeper quorum"))
        .add(DisplayData.item("table", EventTable.NAME.getNameAsString()))
        .add(DisplayData.item("saltBuckets", Arrays.toString(buckets)))
        .add(DisplayData.item("pollIntervalMillis", settings.pollIntervalMillis()))
        .add(DisplayData.item("readOverlapMillis", settings.readOverlapMillis()))
        .add(DisplayData.item("outOfOrdernessMillis", settings.outOfOrdernessMillis()))
        .add(DisplayData.item("startAtMillis", settings.startAtMillis()))
        .add(DisplayData.item("maxSliceMillis", settings.maxSliceMillis()));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventsUnboundedSource s
        && settings.equals(s.settings)
        && Arrays.equals(buckets, s.buckets);
  }

  @Override
  public int hashCode() {
    return 31 * settings.hashCode() + Arrays.hashCode(buckets);
  }

  @Override
  public String toString() {
    return "EventsUnboundedSource{"
        + settings.hbaseZk()
        + ", buckets="
        + Arrays.toString(buckets)
        + "}";
  }
}
