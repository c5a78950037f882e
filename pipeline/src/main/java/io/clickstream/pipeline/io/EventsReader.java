package io.clickstream.pipeline.io;

import io.clickstream.core.EventTable;
import io.clickstream.pipeline.io.EventsCheckpointMark.Emitted;
import io.clickstream.pipeline.io.EventsCheckpointMark.Poll;
import io.clickstream.pipeline.io.EventsUnboundedSource.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.hadoop.hbase.Cell;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Result;
import org.apache.hadoop.hbase.client.ResultScanner;
import org.apache.hadoop.hbase.client.Scan;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.filter.KeyOnlyFilter;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the salt buckets of one {@link EventsUnboundedSource} by polling write-time ranges.
 *
 * <p>State: {@code completeUpTo} C (every cell with write time below C has been emitted), the poll
 * under way with its scan position, and the set of emitted cells that a later poll will read again.
 * A poll scans {@code [C, hi)} with {@code hi = min(now + 1, C + maxSlice)}, range by range in row
 * order, emits the cells not in the set, and, once the scan is exhausted, sets {@code C' = max(C,
 * min(hi, now - readOverlap))} and prunes the set below it. Only cells at or past {@code C'} (the
 * overlap, which the next poll re-reads) enter the set; the scan position covers the others. So the
 * set, and every checkpoint mark, holds about {@code readOverlap} of writes however large a backlog
 * slice is. Rows are pulled from the scanner at most {@link #READ_AHEAD} ahead of what is emitted,
 * so a large slice is never held in memory; C only moves once a poll is complete, and a checkpoint
 * taken mid-poll carries the scan position, so it is exact. A failed scan resumes from that
 * position too.
 *
 * <p>Every version of a row in the range is emitted, oldest first, each marked as the row's event
 * (its first write) or a rewrite: a later cell of a row is always a rewrite, and the oldest is one
 * if the row has a cell before C, which one batched existence check per read-ahead asks
 * (docs/data-model.md).
 *
 * <p>Not thread-safe (Beam calls a reader from one thread at a time).
 */
final class EventsReader extends UnboundedSource.UnboundedReader<EventRow> {

  private static final Logger LOG = LoggerFactory.getLogger(EventsReader.class);
  static final int SCAN_CACHING = 1000;

  /**
   * Rows read ahead of what is emitted, so that one request tells which of them were written
   * before.
   */
  static final int READ_AHEAD = 500;

  /** How long one advance() may keep starting back-to-back catch-up polls that find nothing. */
  private static final long MAX_EMPTY_CATCH_UP_NANOS = TimeUnit.SECONDS.toNanos(1);

  private static final long RECORD_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);

  /**
   * A density measured over less write time than this is mostly noise: it keeps counting instead.
   */
  private static final long MIN_DENSITY_MILLIS = TimeUnit.SECONDS.toMillis(1);

  private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final EventsUnboundedSource source;
  private final Settings settings;
  private final List<byte[][]> ranges;

  private long completeUpTo;
  private final TreeSet<Emitted> emitted = new TreeSet<>(Emitted.ORDER);

  private @Nullable Connection connection;
  private @Nullable Table table;
  private boolean closed;

  // The poll in progress, if any, and how far its scan got (see EventsCheckpointMark.Poll).
  private boolean polling;
  private long pollHi;
  private long pollVisibleBelow;
  private long pollNextCompleteUpTo;
  private int pollRange;
  private byte @Nullable [] pollAfterRow;
  private boolean pollFoundAny;
  private long retryAtNanos;
  private @Nullable ResultScanner scanner;

  /** Cells read ahead from the scan, not emitted yet, in scan order. */
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();

  /**
   * The scan of range {@code pollRange} has no more rows: once {@link #pending} is empty, the next
   * range.
   */
  private boolean rangeScanned;

  // What the last finished poll told us.
  private boolean everPolled;
  private long lastPollStartNanos;
  private boolean backlogged;
  private boolean lastPollFoundAny;

  private @Nullable EventRow current;

  /** Shared by the readers of one source in this JVM: see {@link PositionRecording}. */
  private final PositionRecording recording;

  private int consecutiveFailures;
  private long lastFailureLogNanos;

  EventsReader(EventsUnboundedSource source, @Nullable EventsCheckpointMark checkpoint) {
    this.source = source;
    this.settings = source.settings();
    this.ranges = source.rowRanges();
    this.recording = PositionRecording.of(source);
    if (checkpoint != null) {
      this.completeUpTo = checkpoint.completeUpTo();
      this.emitted.addAll(checkpoint.emitted());
      Poll poll = checkpoint.poll();
      if (poll != null) {
        polling = true;
        everPolled = true;
        pollHi = poll.hi();
        pollVisibleBelow = poll.visibleBelow();
        pollNextCompleteUpTo = poll.nextCompleteUpTo(completeUpTo);
        pollRange = poll.range();
        pollAfterRow = poll.afterRow();
      }
    } else {
      this.completeUpTo =
          Math.max(0, settings.startAtMillis() >= 0 ? settings.startAtMillis() : resumePoint());
    }
  }

  /**
   * Without a checkpoint or a start: the recorded position minus the replay, or the table's
   * beginning.
   */
  private long resumePoint() {
    if (settings.positions() == null) {
      return 0;
    }
    long recorded = settings.positions().lowest();
    if (recorded >= 0) {
      LOG.info(
          "Resuming the read of {} at {} (recorded position {} minus the replay of {} ms)",
          source,
          recorded - settings.replayMillis(),
          recorded,
          settings.replayMillis());
    }
    return recorded < 0 ? 0 : recorded - settings.replayMillis();
  }

  @Override
  public boolean start() throws IOException {
    String zk = settings.hbaseZk();
    connection = SharedHBaseConnections.acquire(zk);
    try (Admin admin = connection.getAdmin()) {
      if (!admin.tableExists(EventTable.NAME)) {
        throw new IOException(
            "HBase table '"
                + EventTable.NAME.getNameAsString()
                + "' does not exist in the cluster at"
                + " ZooKeeper quorum "
                + zk
                + " (create it with EventTable.createIfMissing)");
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    table = connection.getTable(EventTable.NAME);
    LOG.debug(
        "Reader of {} starting at completeUpTo={} with {} emitted cells",
        source,
        completeUpTo,
        emitted.size());
    return advance();
  }

  @Override
  public boolean advance() throws IOException {
    if (table == null) {
      throw new IllegalStateException(closed ? "reader is closed" : "start() was not called");
    }
    current = null;
    long began = System.nanoTime();
    while (true) {
      if (polling) {
        if (System.nanoTime() < retryAtNanos) {
          return false;
        }
        EventRow next;
        try {
          next = nextFromPoll();
        } catch (IOException | UncheckedIOException e) {
          scanFailed(e);
          return false;
        }
        if (next != null) {
          current = next;
          return true;
        }
        // The poll is complete and committed.
      }
      long sinceLastPoll = System.nanoTime() - lastPollStartNanos;
      boolean due =
          !everPolled
              || backlogged
              || sinceLastPoll >= TimeUnit.MILLISECONDS.toNanos(settings.pollIntervalMillis());
      if (!due || (everPolled && System.nanoTime() - began > MAX_EMPTY_CATCH_UP_NANOS)) {
        return false;
      }
      try {
        beginPoll();
      } catch (IOException | UncheckedIOException e) {
        scanFailed(e);
        return false;
      }
    }
  }

  private void beginPoll() throws IOException {
    everPolled = true;
    lastPollStartNanos = System.nanoTime();
    backlogged = false;
    long now = System.currentTimeMillis();
    long visibleBelow = now - settings.readOverlapMillis();
    long maxSlice = settings.maxSliceMillis();
    if (!lastPollFoundAny && completeUpTo + maxSlice <= visibleBelow) {
      skipEmptyStretch(visibleBelow);
    }
    polling = true;
    pollFoundAny = false;
    pollHi = Math.min(now + 1, completeUpTo + maxSlice);
    pollVisibleBelow = visibleBelow;
    pollNextCompleteUpTo = Math.max(completeUpTo, Math.min(pollHi, visibleBelow));
    // A start position in the future leaves nothing to scan yet.
    pollRange = pollHi > completeUpTo ? 0 : ranges.size();
    pollAfterRow = null;
  }

  /**
   * Catching up over a stretch with no writes (e.g. reading "from the beginning" = epoch 0) one
   * slice at a time would take forever, so when the last poll found nothing, probe for any cell at
   * all: gallop over empty ranges with doubling steps, then bisect the first non-empty step down to
   * at most one slice. Only ranges entirely below {@code now - readOverlap} are probed, where every
   * write is visible, so skipping an empty one is safe.
   */
  private void skipEmptyStretch(long visibleBelow) throws IOException {
    long maxSlice = settings.maxSliceMillis();
    long step = maxSlice;
    while (completeUpTo + step <= visibleBelow && !anyCellIn(completeUpTo, completeUpTo + step)) {
      commitCompleteUpTo(completeUpTo + step);
      step = Math.min(step * 2, Long.MAX_VALUE / 4);
    }
    while (step > maxSlice) {
      long half = step / 2;
      if (completeUpTo + half <= visibleBelow && !anyCellIn(completeUpTo, completeUpTo + half)) {
        commitCompleteUpTo(completeUpTo + half);
        step -= half;
      } else {
        step = half;
      }
    }
  }

  private boolean anyCellIn(long from, long to) throws IOException {
    for (byte[][] range : ranges) {
      Scan probe = scan(range, from, to).setCaching(1).setLimit(1).setFilter(new KeyOnlyFilter());
      try (ResultScanner probeScanner = table.getScanner(probe)) {
        if (probeScanner.next() != null) {
          return true;
        }
      }
    }
    return false;
  }

  private static Scan scan(byte[][] range, long from, long to) throws IOException {
    return new Scan()
        .withStartRow(range[0])
        .withStopRow(range[1])
        .addColumn(EventTable.FAMILY, EventTable.JSON)
        .readAllVersions()
        .setTimeRange(from, to);
  }

  /** The next cell of the current poll not emitted yet, or null once the poll is complete. */
  private @Nullable EventRow nextFromPoll() throws IOException {
    while (true) {
      Pending next = pending.poll();
      if (next != null) {
        if (next.lastOfRow()) {
          pollAfterRow = next.row();
        }
        EventRow cell = next.cell();
        if (cell == null) {
          continue;
        }
        // A cell whose row has more to come enters the set whatever its time: a checkpoint taken
        // now
        // resumes the scan at this row, and must not emit the cell again.
        if (!next.lastOfRow() || cell.writeTimeMillis() >= pollNextCompleteUpTo) {
          emitted.add(
              new Emitted(next.row(), cell.writeTimeMillis())); // the next poll reads it again
        }
        pollFoundAny = true;
        recording.cellEmitted();
        return cell;
      }
      if (rangeScanned) {
        closeScanner();
        rangeScanned = false;
        pollRange++;
        pollAfterRow = null;
      }
      if (pollRange >= ranges.size()) {
        finishPoll();
        return null;
      }
      if (scanner == null) {
        Scan scan = scan(ranges.get(pollRange), completeUpTo, pollHi).setCaching(SCAN_CACHING);
        if (pollAfterRow != null) {
          scan.withStartRow(pollAfterRow, false);
        }
        scanner = table.getScanner(scan);
      }
      readAhead();
    }
  }

  /**
   * Takes up to {@link #READ_AHEAD} rows from the scanner into {@link #pending}, each cell marked
   * as the row's event or a rewrite. A row's cells in {@code [C, hi)} come oldest first; the oldest
   * is the event unless the row was written before C, which one batched request asks for the rows
   * whose oldest cell this reader has not emitted yet.
   */
  private void readAhead() throws IOException {
    List<Result> results = new ArrayList<>(READ_AHEAD);
    while (results.size() < READ_AHEAD) {
      Result result = scanner.next();
      if (result == null) {
        rangeScanned = true;
        break;
      }
      results.add(result);
    }
    // Only a row whose oldest cell in the range is new to this reader needs asking about: its later
    // cells are rewrites whatever came before, and the rows every poll re-reads (the overlap) were
    // asked about by the poll that emitted them.
    List<byte[]> rows = new ArrayList<>(results.size());
    List<List<Cell>> cellsByRow = new ArrayList<>(results.size());
    List<byte[]> toAsk = new ArrayList<>();
    BitSet oldestIsNew = new BitSet(results.size());
    for (int i = 0; i < results.size(); i++) {
      byte[] row = results.get(i).getRow();
      List<Cell> cells = RowVersions.oldestFirst(results.get(i));
      rows.add(row);
      cellsByRow.add(cells);
      if (!cells.isEmpty() && !emitted.contains(new Emitted(row, cells.get(0).getTimestamp()))) {
        oldestIsNew.set(i);
        toAsk.add(row);
      }
    }
    boolean[] writtenBefore = RowVersions.writtenBefore(table, toAsk, completeUpTo);
    int asked = 0;
    for (int i = 0; i < rows.size(); i++) {
      byte[] row = rows.get(i);
      List<Cell> cells = cellsByRow.get(i);
      boolean oldestIsRewrite = oldestIsNew.get(i) && writtenBefore[asked++];
      List<EventRow> fresh = new ArrayList<>(1);
      for (int c = 0; c < cells.size(); c++) {
        Cell cell = cells.get(c);
        if (!emitted.contains(new Emitted(row, cell.getTimestamp()))) {
          EventRow read = EventRow.of(row, cell);
          fresh.add(c > 0 || oldestIsRewrite ? read.asRewrite() : read);
        }
      }
      if (fresh.isEmpty()) {
        pending.add(new Pending(row, null, true));
      }
      for (int k = 0; k < fresh.size(); k++) {
        pending.add(new Pending(row, fresh.get(k), k == fresh.size() - 1));
      }
    }
  }

  private void finishPoll() {
    if (consecutiveFailures > 0) {
      LOG.info(
          "Polling HBase table {} for {} works again after {} failed attempts",
          EventTable.NAME,
          source,
          consecutiveFailures);
      consecutiveFailures = 0;
    }
    polling = false;
    closeScanner();
    long before = completeUpTo;
    commitCompleteUpTo(pollNextCompleteUpTo);
    // Only polled write time counts: skipped empty stretches say nothing about the writes still
    // ahead.
    recording.writeTimeRead(completeUpTo - before);
    backlogged = pollNextCompleteUpTo < pollVisibleBelow;
    lastPollFoundAny = pollFoundAny;
    recordPosition();
  }

  /**
   * Records C at most every {@link #RECORD_EVERY_NANOS}. It may run ahead of what downstream has
   * committed by a few seconds; the replay on restart, far longer, covers that. With it goes the
   * density of what was read since the last measurement, for estimating how many events lie between
   * C and now (docs/api.md, health).
   */
  private void recordPosition() {
    if (settings.positions() != null && recording.due(RECORD_EVERY_NANOS)) {
      double cellsPerSecond = recording.density(MIN_DENSITY_MILLIS);
      try {
        settings.positions().save(source.buckets(), completeUpTo, cellsPerSecond);
      } catch (RuntimeException e) {
        LOG.warn("Could not record the read position of {}: {}", source, e.toString());
      }
    }
  }

  /**
   * A failed scan leaves C and the scan position where they were: the retry, after one poll
   * interval, resumes the poll after the last row it took, so nothing is emitted twice or missed.
   */
  private void scanFailed(Exception e) {
    consecutiveFailures++;
    long nowNanos = System.nanoTime();
    if (consecutiveFailures == 1) {
      LOG.warn(
          "Polling HBase table {} (quorum {}) for {} failed; retrying at the next poll",
          EventTable.NAME,
          settings.hbaseZk(),
          source,
          e);
      lastFailureLogNanos = nowNanos;
    } else if (nowNanos - lastFailureLogNanos >= FAILURE_LOG_INTERVAL_NANOS) {
      // A lasting outage: one line every 30 s, not a stack trace per poll.
      LOG.warn(
          "Polling HBase table {} (quorum {}) for {} still failing after {} attempts: {}",
          EventTable.NAME,
          settings.hbaseZk(),
          source,
          consecutiveFailures,
          e.toString());
      lastFailureLogNanos = nowNanos;
    }
    retryAtNanos = nowNanos + TimeUnit.MILLISECONDS.toNanos(settings.pollIntervalMillis());
    dropReadAhead();
  }

  private void commitCompleteUpTo(long c) {
    if (c > completeUpTo) {
      completeUpTo = c;
      emitted.headSet(new Emitted(new byte[0], c)).clear();
    }
  }

  /**
   * The scan restarts after the last row emitted whole (the retry), so what was read ahead goes.
   */
  private void dropReadAhead() {
    pending.clear();
    rangeScanned = false;
    closeScanner();
  }

  private void closeScanner() {
    if (scanner != null) {
      try {
        scanner.close();
      } catch (RuntimeException e) {
        LOG.debug("Closing an HBase scanner failed", e);
      }
      scanner = null;
    }
  }

  @Override
  public EventRow getCurrent() {
    if (current == null) {
      throw new NoSuchElementException();
    }
    return current;
  }

  @Override
  public Instant getCurrentTimestamp() {
    return new Instant(getCurrent().writeTimeMillis());
  }

  /** {@code C - outOfOrderness}: C never decreases, and it is part of the checkpoint. */
  @Override
  public Instant getWatermark() {
    long min = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();
    long wm = completeUpTo - settings.outOfOrdernessMillis();
    return new Instant(Math.max(min, wm));
  }

  @Override
  public EventsCheckpointMark getCheckpointMark() {
    return new EventsCheckpointMark(
        completeUpTo,
        emitted,
        polling ? new Poll(pollHi, pollVisibleBelow, pollRange, pollAfterRow) : null);
  }

  @Override
  public long getSplitBacklogBytes() {
    return BACKLOG_UNKNOWN;
  }

  @Override
  public EventsUnboundedSource getCurrentSource() {
    return source;
  }

  /** For tests and metrics: C. */
  long completeUpTo() {
    return completeUpTo;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    polling = false;
    dropReadAhead();
    if (table != null) {
      try {
        table.close();
      } catch (IOException e) {
        LOG.warn("Closing the HBase table of {} failed", source, e);
      }
      table = null;
    }
    if (connection != null) {
      SharedHBaseConnections.release(settings.hbaseZk(), connection);
      connection = null;
    }
  }

  /**
   * A cell read ahead ({@code null} for a row whose cells were all emitted by an earlier poll), and
   * whether it is the last of its row: only then does the scan position move past the row.
   */
  private record Pending(byte[] row, @Nullable EventRow cell, boolean lastOfRow) {}

  @Override
  public String toString() {
    return "EventsReader{"
        + source
        + ", completeUpTo="
        + completeUpTo
        + ", emitted="
        + emitted.size()
        + ", ranges="
        + ranges.stream().map(r -> Arrays.toString(r[0])).toList()
        + "}";
  }
}
