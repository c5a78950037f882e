package io.clickstream.pipeline.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * An immutable snapshot of an {@link EventsReader}'s position: every cell with a write time below
 * {@link #completeUpTo()} has been emitted, and so has every cell listed in {@link #emitted()} (all
 * of which have write time {@code >= completeUpTo}). When a poll was under way, {@link #poll()}
 * says how far it got, and every cell it covers has been emitted too. Nothing else has been
 * emitted.
 *
 * <p>The poll's scan position, not a list of the cells it emitted, is what keeps a mark small while
 * a backlog is read: only cells the next poll will read again (write time at or past the poll's
 * {@link Poll#nextCompleteUpTo}, the last {@code readOverlap} of write time) need to be listed.
 */
final class EventsCheckpointMark implements UnboundedSource.CheckpointMark {

  /** A cell already emitted, identified by its row key and write time. */
  record Emitted(byte[] rowKey, long writeTimeMillis) {
    /**
     * Write time first (so the set can be pruned below a time), then the row key bytes unsigned.
     */
    static final Comparator<Emitted> ORDER =
        Comparator.comparingLong(Emitted::writeTimeMillis)
            .thenComparing(Emitted::rowKey, Arrays::compareUnsigned);

    @Override
    public boolean equals(Object o) {
      return o instanceof Emitted e
          && writeTimeMillis == e.writeTimeMillis
          && Arrays.equals(rowKey, e.rowKey);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(rowKey) + Long.hashCode(writeTimeMillis);
    }

    @Override
    public String toString() {
      return EventRow.printable(rowKey) + "@" + writeTimeMillis;
    }
  }

  /**
   * A poll under way: it scans write times {@code [completeUpTo, hi)} range by range, in row order.
   * Ranges before {@code range} are done, and so is {@code range} up to and including {@code
   * afterRow} (null: nothing of it yet).
   *
   * @param visibleBelow write times below this were visible to every scan when the poll began
   */
  record Poll(long hi, long visibleBelow, int range, byte @Nullable [] afterRow) {

    /** Where completeUpTo moves once the poll is done. */
    long nextCompleteUpTo(long completeUpTo) {
      return Math.max(completeUpTo, Math.min(hi, visibleBelow));
    }

    Poll after(byte[] row) {
      return new Poll(hi, visibleBelow, range, row);
    }

    Poll nextRange() {
      return new Poll(hi, visibleBelow, range + 1, null);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Poll p
          && hi == p.hi
          && visibleBelow == p.visibleBelow
          && range == p.range
          && Arrays.equals(afterRow, p.afterRow);
    }

    @Override
    public int hashCode() {
      return Objects.hash(hi, visibleBelow, range, Arrays.hashCode(afterRow));
    }

    @Override
    public String toString() {
      return "Poll{hi="
          + hi
          + ", visibleBelow="
          + visibleBelow
          + ", range="
          + range
          + ", after="
          + (afterRow == null ? "-" : EventRow.printable(afterRow))
          + "}";
    }
  }

  private final long completeUpTo;
  private final List<Emitted> emitted;
  private final @Nullable Poll poll;

  EventsCheckpointMark(long completeUpTo, Collection<Emitted> emitted) {
    this(completeUpTo, emitted, null);
  }

  /**
   * {@code emitted} is copied and sorted by {@link Emitted#ORDER}, so equal marks encode equally.
   */
  EventsCheckpointMark(long completeUpTo, Collection<Emitted> emitted, @Nullable Poll poll) {
    this.completeUpTo = completeUpTo;
    this.poll = poll;
    List<Emitted> copy = new ArrayList<>(emitted);
    copy.sort(Emitted.ORDER);
    for (Emitted e : copy) {
      if (e.writeTimeMillis() < completeUpTo) {
        throw new IllegalArgumentException(
            "emitted cell " + e + " is below completeUpTo " + completeUpTo);
      }
    }
    this.emitted = List.copyOf(copy);
  }

  long completeUpTo() {
    return completeUpTo;
  }

  /** Sorted by {@link Emitted#ORDER}; unmodifiable. */
  List<Emitted> emitted() {
    return emitted;
  }

  /** The poll under way, or null between polls. */
  @Nullable Poll poll() {
    return poll;
  }

  /** HBase needs no acknowledgement: the position is entirely in this mark. */
  @Override
  public void finalizeCheckpoint() {}

  @Override
  public boolean equals(Object o) {
    return o instanceof EventsCheckpointMark m
        && completeUpTo == m.completeUpTo
        && emitted.equals(m.emitted)
        && Objects.equals(poll, m.poll);
  }

  @Override
  public int hashCode() {
    return Objects.hash(completeUpTo, emitted, poll);
  }

  @Override
  public String toString() {
    return "EventsCheckpointMark{completeUpTo="
        + completeUpTo
        + ", emitted="
        + emitted.size()
        + ", poll="
        + poll
        + "}";
  }

  /**
   * Explicit, deterministic coder: a format version, completeUpTo, count, then (row key, write
   * time) pairs in order, then the poll (a presence byte; hi, visibleBelow, range, and the row or
   * an empty array for none). Version 1 is the first with a poll; a mark of another version is
   * refused by name rather than misread.
   */
  static final class Coder extends AtomicCoder<EventsCheckpointMark> {
    private static final Coder INSTANCE = new Coder();
    private static final VarLongCoder LONG = VarLongCoder.of();
    private static final VarIntCoder INT = VarIntCoder.of();
    private static final ByteArrayCoder BYTES = ByteArrayCoder.of();
    private static final int FORMAT = 1;

    private Coder() {}

    static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(EventsCheckpointMark mark, OutputStream out) throws IOException {
      out.write(FORMAT);
      LONG.encode(mark.completeUpTo, out);
      INT.encode(mark.emitted.size(), out);
      for (Emitted e : mark.emitted) {
        BYTES.encode(e.rowKey(), out);
        LONG.encode(e.writeTimeMillis(), out);
      }
      Poll poll = mark.poll;
      out.write(poll == null ? 0 : 1);
      if (poll != null) {
        LONG.encode(poll.hi(), out);
        LONG.encode(poll.visibleBelow(), out);
        INT.encode(poll.range(), out);
        BYTES.encode(poll.afterRow() == null ? new byte[0] : poll.afterRow(), out);
      }
    }

    @Override
    public EventsCheckpointMark decode(InputStream in) throws IOException {
      int format = in.read();
      if (format != FORMAT) {
        throw new IOException(
            "checkpoint mark of format "
                + format
                + ", this release reads format "
                + FORMAT
                + ": restart the pipeline without that checkpoint (it resumes from the read position in Redis)");
      }
      long completeUpTo = LONG.decode(in);
      int n = INT.decode(in);
      if (n < 0) {
        throw new IOException("corrupt checkpoint: negative count " + n);
      }
      List<Emitted> emitted = new ArrayList<>(Math.min(n, 1 << 16));
      for (int i = 0; i < n; i++) {
        byte[] key = BYTES.decode(in);
        emitted.add(new Emitted(key, LONG.decode(in)));
      }
      Poll poll = null;
      if (in.read() == 1) {
        long hi = LONG.decode(in);
        long visibleBelow = LONG.decode(in);
        int range = INT.decode(in);
        byte[] after = BYTES.decode(in);
        poll = new Poll(hi, visibleBelow, range, after.length == 0 ? null : after);
      }
      return new EventsCheckpointMark(completeUpTo, emitted, poll);
    }

    @Override
    public void verifyDeterministic() {}

    @Override
    public boolean consistentWithEquals() {
      return true;
    }

    private Object readResolve() {
      return INSTANCE;
    }
  }
}
