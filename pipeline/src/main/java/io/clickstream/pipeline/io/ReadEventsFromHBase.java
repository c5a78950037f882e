package io.clickstream.pipeline.io;

import io.clickstream.core.HBaseQuorum;
import io.clickstream.pipeline.io.EventsUnboundedSource.Settings;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.io.Read;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;

/**
 * Reads the {@code events} table as an unbounded stream of {@link EventRow}s, in region-server
 * write-time order per poll, by polling write-time ranges with an overlap (see
 * docs/unbounded-read.md for the guarantees).
 *
 * <p>Each element is timestamped with its cell's write time; the watermark is the read position
 * ("every cell written before C has been emitted") minus the out-of-orderness allowance.
 *
 * <pre>{@code
 * PCollection<EventRow> rows = p.apply(ReadEventsFromHBase.from("zk:2181")
 *     .withPollInterval(Duration.millis(200))
 *     .withReadOverlap(Duration.standardSeconds(1))
 *     .withOutOfOrderness(Duration.standardSeconds(5)));
 * }</pre>
 */
public final class ReadEventsFromHBase extends PTransform<PBegin, PCollection<EventRow>> {

  private static final long serialVersionUID = 1L;

  static final long DEFAULT_POLL_INTERVAL_MILLIS = 200;
  static final long DEFAULT_READ_OVERLAP_MILLIS = 1_000;
  static final long DEFAULT_OUT_OF_ORDERNESS_MILLIS = 5_000;
  static final long DEFAULT_MAX_SLICE_MILLIS = 10_000;

  /**
   * Rows per element out of the source, at most: ten scanner round trips' worth (docs/benchmarks.md
   * says why).
   */
  static final int MAX_BATCH = 10 * EventsReader.SCAN_CACHING;

  private final Settings settings;

  private ReadEventsFromHBase(Settings settings) {
    this.settings = settings;
  }

  /**
   * Reads from the HBase cluster whose ZooKeeper quorum is {@code hbaseZk} ("host:port"), and
   * records positions in the store given, wherever the job runs.
   */
  public static ReadEventsFromHBase from(String hbaseZk) {
    return at(hbaseZk, true);
  }

  /**
   * Reads from the HBase cluster {@code options} names. A reader follows the options of the job it
   * runs in, for HBase and for the positions' store: a split that Flink restores from a savepoint
   * keeps the addresses of the run that took it, and HBase or Redis may have moved since.
   */
  public static ReadEventsFromHBase following(EventsTableOptions options) {
    return at(options.getHbaseZk(), false);
  }

  private static ReadEventsFromHBase at(String hbaseZk, boolean pinned) {
    HBaseQuorum.parse(hbaseZk);
    return new ReadEventsFromHBase(
        new Settings(
            hbaseZk,
            DEFAULT_POLL_INTERVAL_MILLIS,
            DEFAULT_READ_OVERLAP_MILLIS,
            DEFAULT_OUT_OF_ORDERNESS_MILLIS,
            -1,
            DEFAULT_MAX_SLICE_MILLIS,
            null,
            0,
            pinned));
  }

  /** How often to poll once caught up (default 200 ms). A backlogged reader polls back to back. */
  public ReadEventsFromHBase withPollInterval(Duration d) {
    long ms = nonNegative(d, "poll interval");
    return with(settings.withPollInterval(ms));
  }

  /**
   * How long after its write time a cell may still become visible to a scan (default 1 s); every
   * poll re-reads this much of the past. Also the tolerated clock skew between the pipeline workers
   * and the region servers.
   */
  public ReadEventsFromHBase withReadOverlap(Duration d) {
    long ms = nonNegative(d, "read overlap");
    return with(settings.withReadOverlap(ms));
  }

  /** How far the watermark trails the read position (default 5 s). */
  public ReadEventsFromHBase withOutOfOrderness(Duration d) {
    long ms = nonNegative(d, "out-of-orderness");
    return with(settings.withOutOfOrderness(ms));
  }

  /**
   * Reads cells written at or after {@code writeTimeMillis}; -1 (the default) reads all history.
   */
  public ReadEventsFromHBase startingAt(long writeTimeMillis) {
    if (writeTimeMillis < -1) {
      throw new IllegalArgumentException(
          "startingAt must be -1 or an epoch millisecond, got " + writeTimeMillis);
    }
    return with(settings.withStartAt(writeTimeMillis));
  }

  /**
   * The widest write-time range one poll reads while catching up (default 10 s), so the watermark
   * of a backlogged reader rises in steps instead of jumping to "now" after one huge scan.
   */
  public ReadEventsFromHBase withMaxSlice(Duration d) {
    long ms = nonNegative(d, "max slice");
    if (ms == 0) {
      throw new IllegalArgumentException("max slice must be positive");
    }
    return with(settings.withMaxSlice(ms));
  }

  /**
   * Records how far each salt bucket has been read in {@code store}, so that a pipeline restarted
   * without a runner checkpoint (the Direct runner keeps none) and without {@link #startingAt}
   * resumes there, reading {@code replay} of the past again: enough to rebuild the sessions that
   * were open when it stopped. What it reads twice is counted once, since the writer is idempotent.
   */
  public ReadEventsFromHBase persistingPositionIn(ReadPositions store, Duration replay) {
    return with(
        settings.withPositions(
            Objects.requireNonNull(store, "store"), nonNegative(replay, "replay")));
  }

  @Override
  public PCollection<EventRow> expand(PBegin input) {
    return input
        .apply("ReadEventsTable", Read.from(new BatchingUnboundedSource<>(source(), MAX_BATCH)))
        .apply("OneRowPerElement", ParDo.of(new Unbatch<EventRow>()))
        .setCoder(EventRowCoder.of());
  }

  /** Gives each element of a batch its own element, with its own timestamp. */
  private static final class Unbatch<T> extends DoFn<List<TimestampedValue<T>>, T> {
    @ProcessElement
    public void process(@Element List<TimestampedValue<T>> batch, OutputReceiver<T> out) {
      // A batch is stamped with its earliest element, so no element moves back in time here.
      for (TimestampedValue<T> element : batch) {
        out.outputWithTimestamp(element.getValue(), element.getTimestamp());
      }
    }
  }

  /** The unbounded source over all salt buckets (split by the runner). */
  EventsUnboundedSource source() {
    return EventsUnboundedSource.allBuckets(settings);
  }

  private ReadEventsFromHBase with(Settings s) {
    return new ReadEventsFromHBase(s);
  }

  private static long nonNegative(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.getMillis() < 0) {
      throw new IllegalArgumentException(what + " must not be negative, got " + d);
    }
    return d.getMillis();
  }
}
