package io.clickstream.storm;

import java.io.Serializable;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

/**
 * An unbounded source of a few timestamped amounts whose watermark stays at the last one read until
 * its gate is opened (by the test's DoFn, in the same JVM), and only then reaches the end of time.
 * A job over it can only finish once something that does not depend on the watermark, a
 * processing-time timer, has happened.
 */
final class GatedSource extends UnboundedSource<KV<String, Integer>, GatedSource.Position> {
  private static final Set<String> OPEN = ConcurrentHashMap.newKeySet();

  private final String gate;
  private final List<Amount> amounts;

  GatedSource(String gate, List<Amount> amounts) {
    this.gate = gate;
    this.amounts = amounts;
  }

  /** A user's amount, at a time. */
  record Amount(String user, int amount, Instant at) implements Serializable {}

  static void open(String gate) {
    OPEN.add(gate);
  }

  /** How many amounts have been read, so that a reader restarted by the runner resumes there. */
  record Position(int read) implements UnboundedSource.CheckpointMark, Serializable {
    @Override
    public void finalizeCheckpoint() {}
  }

  @Override
  public List<GatedSource> split(int desiredNumSplits, PipelineOptions options) {
    return List.of(this);
  }

  @Override
  public UnboundedReader<KV<String, Integer>> createReader(
      PipelineOptions options, Position checkpoint) {
    return new Reader(checkpoint == null ? 0 : checkpoint.read());
  }

  @Override
  public Coder<Position> getCheckpointMarkCoder() {
    return SerializableCoder.of(Position.class);
  }

  @Override
  public Coder<KV<String, Integer>> getOutputCoder() {
    return KvCoder.of(StringUtf8Coder.of(), VarIntCoder.of());
  }

  private final class Reader extends UnboundedReader<KV<String, Integer>> {
    private int read;

    Reader(int read) {
      this.read = read;
    }

    @Override
    public boolean start() {
      return advance();
    }

    @Override
    public boolean advance() {
      if (read >= amounts.size()) {
        return false;
      }
      read++;
      return true;
    }

    private Amount current() {
      if (read == 0) {
        throw new NoSuchElementException();
      }
      return amounts.get(read - 1);
    }

    @Override
    public KV<String, Integer> getCurrent() {
      return KV.of(current().user(), current().amount());
    }

    @Override
    public Instant getCurrentTimestamp() {
      return current().at();
    }

    @Override
    public Instant getWatermark() {
      if (read >= amounts.size() && OPEN.contains(gate)) {
        return BoundedWindow.TIMESTAMP_MAX_VALUE;
      }
      return read == 0 ? BoundedWindow.TIMESTAMP_MIN_VALUE : current().at();
    }

    @Override
    public Position getCheckpointMark() {
      return new Position(read);
    }

    @Override
    public UnboundedSource<KV<String, Integer>, ?> getCurrentSource() {
      return GatedSource.this;
    }

    @Override
    public void close() {}
  }
}
