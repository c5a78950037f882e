package io.clickstream.storm;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * An unbounded source of user ids, read in the order given, that ends: its watermark follows the
 * timestamps read and reaches the end of time after the last one. Each split records, in a static
 * map shared with the test, how far its finalized checkpoint marks reach.
 */
final class ClickSource extends UnboundedSource<String, ClickSource.Position> {
  static final Map<String, Integer> FINALIZED = new ConcurrentHashMap<>();

  private final String id;
  private final List<Click> clicks;

  ClickSource(String id, List<Click> clicks) {
    this.id = id;
    this.clicks = clicks;
  }

  /** A user's click, at a time. */
  record Click(String user, Instant at) implements Serializable {}

  /** How many clicks of a split have been read. */
  record Position(String split, int read) implements UnboundedSource.CheckpointMark, Serializable {
    @Override
    public void finalizeCheckpoint() {
      FINALIZED.merge(split, read, Math::max);
    }
  }

  /** Splits by position: split i of n reads clicks i, i + n, i + 2n… */
  @Override
  public List<ClickSource> split(int desiredNumSplits, PipelineOptions options) {
    List<ClickSource> splits = new ArrayList<>();
    for (int i = 0; i < desiredNumSplits; i++) {
      List<Click> share = new ArrayList<>();
      for (int j = i; j < clicks.size(); j += desiredNumSplits) {
        share.add(clicks.get(j));
      }
      splits.add(new ClickSource(id + "/" + i, share));
    }
    return splits;
  }

  int size() {
    return clicks.size();
  }

  String id() {
    return id;
  }

  @Override
  public UnboundedReader<String> createReader(PipelineOptions options, Position checkpoint) {
    return new Reader(checkpoint == null ? 0 : checkpoint.read());
  }

  @Override
  public Coder<Position> getCheckpointMarkCoder() {
    return SerializableCoder.of(Position.class);
  }

  @Override
  public Coder<String> getOutputCoder() {
    return StringUtf8Coder.of();
  }

  private final class Reader extends UnboundedReader<String> {
    private int next;

    Reader(int next) {
      this.next = next;
    }

    @Override
    public boolean start() {
      return advance();
    }

    @Override
    public boolean advance() {
      if (next >= clicks.size()) {
        return false;
      }
      next++;
      return true;
    }

    private Click current() {
      if (next == 0) {
        throw new NoSuchElementException();
      }
      return clicks.get(next - 1);
    }

    @Override
    public String getCurrent() {
      return current().user();
    }

    @Override
    public Instant getCurrentTimestamp() {
      return current().at();
    }

    @Override
    public Instant getWatermark() {
      if (next >= clicks.size()) {
        return BoundedWindow.TIMESTAMP_MAX_VALUE;
      }
      return next == 0 ? BoundedWindow.TIMESTAMP_MIN_VALUE : current().at();
    }

    @Override
    public Position getCheckpointMark() {
      return new Position(id, next);
    }

    @Override
    public UnboundedSource<String, ?> getCurrentSource() {
      return ClickSource.this;
    }

    @Override
    public void close() throws IOException {}
  }
}
