package io.clickstream.pipeline.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.UnboundedSource;

/**
 * An immutable snapshot of an {@link EventsReader}'s position: every cell with a write time below
 * {@link #completeUpTo()} has been emitted, and so has every cell listed in {@link #emitted()} (all
 * of which have write time {@code >= completeUpTo}). Nothing else has been emitted.
 */
final class EventsCheckpointMark implements UnboundedSource.CheckpointMark {

  /** A cell already emitted, identified by its row key and write time. */
  record Emitted(byte[] rowKey, long writeTimeMillis) {
    /** Write time first (so the set can be pruned below a time), then the row key bytes unsigned. */
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

  private final long completeUpTo;
  private final List<Emitted> emitted;

  /** {@code emitted} is copied and sorted by {@link Emitted#ORDER}, so equal marks encode equally. */
  EventsCheckpointMark(long completeUpTo, Collection<Emitted> emitted) {
    this.completeUpTo = completeUpTo;
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

  /** HBase needs no acknowledgement: the position is entirely in this mark. */
  @Override
  public void finalizeCheckpoint() {}

  @Override
  public boolean equals(Object o) {
    return o instanceof EventsCheckpointMark m
        && completeUpTo == m.completeUpTo
        && emitted.equals(m.emitted);
  }

  @Override
  public int hashCode() {
    return 31 * Long.hashCode(completeUpTo) + emitted.hashCode();
  }

  @Override
  public String toString() {
    return "EventsCheckpointMark{completeUpTo=" + completeUpTo + ", emitted=" + emitted.size() + "}";
  }

  /** Explicit, deterministic coder: completeUpTo, count, then (row key, write time) pairs in order. */
  static final class Coder extends AtomicCoder<EventsCheckpointMark> {
    private static final Coder INSTANCE = new Coder();
    private static final VarLongCoder LONG = VarLongCoder.of();
    private static final VarIntCoder INT = VarIntCoder.of();
    private static final ByteArrayCoder BYTES = ByteArrayCoder.of();

    private Coder() {}

    static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(EventsCheckpointMark mark, OutputStream out) throws IOException {
      LONG.encode(mark.completeUpTo, out);
      INT.encode(mark.emitted.size(), out);
      for (Emitted e : mark.emitted) {
        BYTES.encode(e.rowKey(), out);
        LONG.encode(e.writeTimeMillis(), out);
      }
    }

    @Override
    public EventsCheckpointMark decode(InputStream in) throws IOException {
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
      return new EventsCheckpointMark(completeUpTo, emitted);
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
