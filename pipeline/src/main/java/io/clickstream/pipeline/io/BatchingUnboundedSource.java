package io.clickstream.pipeline.io;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.display.DisplayData;
import org.apache.beam.sdk.values.TimestampedValue;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.joda.time.Instant;

/**
 * An unbounded source that hands out, as one element, up to {@code maxBatch} elements that its
 * inner reader has ready without waiting, each with its own timestamp. Checkpoint marks, splits and
 * the watermark are the inner source's.
 *
 * <p>Why: the Direct runner reads at most 10 elements per bundle from an unbounded source, and its
 * per-bundle costs downstream (a stateful DoFn's state is cloned through its coder at the first
 * access of each bundle, its timers are walked once per step) were most of a backlog drain
 * (docs/benchmarks.md). Batching makes a source bundle carry thousands of elements instead of ten.
 * It adds no latency: a batch closes as soon as the inner reader has nothing more at hand.
 */
final class BatchingUnboundedSource<T, M extends UnboundedSource.CheckpointMark>
    extends UnboundedSource<List<TimestampedValue<T>>, M> {

  private static final long serialVersionUID = 1L;

  private final UnboundedSource<T, M> inner;
  private final int maxBatch;

  BatchingUnboundedSource(UnboundedSource<T, M> inner, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException(
          "a batch holds at least one element, got maxBatch=" + maxBatch);
    }
    if (inner.requiresDeduping()) {
      // Record ids are per element; a batch has none that Beam could de-duplicate by.
      throw new IllegalArgumentException(
          inner + " requires de-duplication by record id, which batches cannot keep");
    }
    this.inner = inner;
    this.maxBatch = maxBatch;
  }

  @Override
  public List<BatchingUnboundedSource<T, M>> split(int desiredNumSplits, PipelineOptions options)
      throws Exception {
    List<BatchingUnboundedSource<T, M>> splits = new ArrayList<>();
    for (UnboundedSource<T, M> split : inner.split(desiredNumSplits, options)) {
      splits.add(new BatchingUnboundedSource<>(split, maxBatch));
    }
    return splits;
  }

  @Override
  public UnboundedReader<List<TimestampedValue<T>>> createReader(
      PipelineOptions options, @Nullable M checkpoint) throws IOException {
    return new Reader(inner.createReader(options, checkpoint));
  }

  @Override
  public Coder<M> getCheckpointMarkCoder() {
    return inner.getCheckpointMarkCoder();
  }

  @Override
  public Coder<List<TimestampedValue<T>>> getOutputCoder() {
    return ListCoder.of(TimestampedValue.TimestampedValueCoder.of(inner.getOutputCoder()));
  }

  @Override
  public void validate() {
    inner.validate();
  }

  @Override
  public void populateDisplayData(DisplayData.Builder builder) {
    super.populateDisplayData(builder);
    builder.include("inner", inner).add(DisplayData.item("maxBatch", maxBatch));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BatchingUnboundedSource<?, ?> s
        && inner.equals(s.inner)
        && maxBatch == s.maxBatch;
  }

  @Override
  public int hashCode() {
    return 31 * inner.hashCode() + maxBatch;
  }

  @Override
  public String toString() {
    return "BatchingUnboundedSource{" + inner + ", maxBatch=" + maxBatch + "}";
  }

  private final class Reader extends UnboundedReader<List<TimestampedValue<T>>> {
    private final UnboundedReader<T> reader;
    private @Nullable List<TimestampedValue<T>> current;
    private Instant currentTimestamp = Instant.EPOCH;

    Reader(UnboundedReader<T> reader) {
      this.reader = reader;
    }

    @Override
    public boolean start() throws IOException {
      return collect(reader.start());
    }

    @Override
    public boolean advance() throws IOException {
      return collect(reader.advance());
    }

    /**
     * Takes the element the inner reader has, if any, and every next one it has at hand, up to the
     * cap.
     */
    private boolean collect(boolean available) throws IOException {
      current = null;
      if (!available) {
        return false;
      }
      List<TimestampedValue<T>> batch = new ArrayList<>();
      Instant earliest = null;
      do {
        Instant ts = reader.getCurrentTimestamp();
        batch.add(TimestampedValue.of(reader.getCurrent(), ts));
        earliest = earliest == null || ts.isBefore(earliest) ? ts : earliest;
      } while (batch.size() < maxBatch && reader.advance());
      current = batch;
      // The earliest, so that every element can be given its own timestamp downstream.
      currentTimestamp = earliest;
      return true;
    }

    @Override
    public List<TimestampedValue<T>> getCurrent() {
      if (current == null) {
        throw new NoSuchElementException();
      }
      return current;
    }

    @Override
    public Instant getCurrentTimestamp() {
      getCurrent();
      return currentTimestamp;
    }

    @Override
    public Instant getWatermark() {
      return reader.getWatermark();
    }

    @Override
    @SuppressWarnings("unchecked") // the inner reader was created by an UnboundedSource<T, M>
    public M getCheckpointMark() {
      // The inner reader's mark covers everything it has handed out, so every finished batch.
      return (M) reader.getCheckpointMark();
    }

    @Override
    public long getSplitBacklogBytes() {
      return reader.getSplitBacklogBytes();
    }

    @Override
    public long getTotalBacklogBytes() {
      return reader.getTotalBacklogBytes();
    }

    @Override
    public BatchingUnboundedSource<T, M> getCurrentSource() {
      return BatchingUnboundedSource.this;
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }
}
