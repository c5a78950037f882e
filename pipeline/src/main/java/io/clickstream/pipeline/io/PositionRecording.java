package io.clickstream.pipeline.io;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * When a source's read position was last recorded, and the density of the cells read since (cells
 * per second of write time), for estimating how many events lie between the position and now.
 *
 * <p>Kept per source and JVM rather than per reader because runners re-create readers: the Direct
 * runner opens a new one from the checkpoint after about one bundle in twenty. A reader's own clock
 * and counters would restart each time, so during a catch-up the position would be recorded late
 * and the density never measured over enough write time to mean anything.
 */
final class PositionRecording {

  private static final Map<String, PositionRecording> BY_SOURCE = new ConcurrentHashMap<>();

  /**
   * A source nobody read for this long was stopped (or, in tests, another pipeline read the same
   * table before): what was counted then says nothing about the read starting now.
   */
  private static final long STALE_NANOS = TimeUnit.SECONDS.toNanos(10);

  private long lastRecordedNanos = System.nanoTime();
  private long lastActivityNanos = System.nanoTime();
  private long cellsSinceMeasured;
  private long millisSinceMeasured;
  private double cellsPerSecond = Double.NaN;

  private PositionRecording() {}

  /**
   * The recording of a source: the readers of the same buckets of the same HBase, starting from the
   * same position, share one; a pipeline started again after a stop finds its counts stale and
   * starts over.
   */
  static PositionRecording of(EventsUnboundedSource source) {
    PositionRecording recording =
        BY_SOURCE.computeIfAbsent(
            source.settings().hbaseZk()
                + "@"
                + source.settings().startAtMillis()
                + Arrays.toString(source.buckets()),
            key -> new PositionRecording());
    recording.readerStarted();
    return recording;
  }

  private synchronized void readerStarted() {
    long now = System.nanoTime();
    if (now - lastActivityNanos > STALE_NANOS) {
      cellsSinceMeasured = 0;
      millisSinceMeasured = 0;
      cellsPerSecond = Double.NaN;
      lastRecordedNanos = now;
    }
    lastActivityNanos = now;
  }

  synchronized void cellEmitted() {
    cellsSinceMeasured++;
    lastActivityNanos = System.nanoTime();
  }

  /**
   * A completed poll moved the position over this much write time (skipped empty stretches
   * excluded).
   */
  synchronized void writeTimeRead(long millis) {
    millisSinceMeasured += millis;
    lastActivityNanos = System.nanoTime();
  }

  /** Whether a recording is due, every {@code everyNanos}; if so, the clock restarts. */
  synchronized boolean due(long everyNanos) {
    long now = System.nanoTime();
    lastActivityNanos = now;
    if (now - lastRecordedNanos < everyNanos) {
      return false;
    }
    lastRecordedNanos = now;
    return true;
  }

  /**
   * Cells per second of write time read since the last measurement, once that covers at least
   * {@code minMillis}; until then the last measured density (NaN before the first).
   */
  synchronized double density(long minMillis) {
    if (millisSinceMeasured >= minMillis) {
      cellsPerSecond = cellsSinceMeasured * 1000.0 / millisSinceMeasured;
      cellsSinceMeasured = 0;
      millisSinceMeasured = 0;
    }
    return cellsPerSecond;
  }
}
