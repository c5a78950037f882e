package io.clickstream.storm.topology;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.io.UnboundedSource.CheckpointMark;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.WindowedValue;
import org.joda.time.Instant;

/**
 * Read.Unbounded: each task reads one split of the source, emits each record as a tuple Storm
 * tracks, and forwards the reader's watermark. After each batch it takes the reader's checkpoint
 * mark, which covers everything read so far, and finalizes it (the source may then forget those
 * records: acknowledge a queue, say) once every tuple up to it has been acked, that is processed by
 * the whole topology. A tuple that fails or times out is sent again, so the read is at least once.
 * A reader whose watermark reaches the end of time has nothing more: the task finishes once all its
 * tuples are acked.
 */
public final class UnboundedSourceSpout extends BeamSpout {
  private static final long serialVersionUID = 1L;
  private static final int RECORDS_PER_CALL = 100;

  private final List<UnboundedSource<Object, ?>> splits;

  private transient UnboundedSource.UnboundedReader<Object> reader;
  private transient boolean started;
  private transient long nextMessageId;
  private transient NavigableMap<Long, List<Object>> unacked;
  private transient Deque<Mark> marks;

  /** A checkpoint mark and the last message it covers. */
  private record Mark(long lastMessageId, CheckpointMark mark) {}

  public UnboundedSourceSpout(
      SerializablePipelineOptions options,
      Outputs outputs,
      List<UnboundedSource<Object, ?>> splits) {
    super(options, outputs);
    this.splits = splits;
  }

  @Override
  protected void open(int taskIndex, int tasks) throws Exception {
    if (tasks != splits.size()) {
      throw new IllegalStateException(
          "A spout for " + splits.size() + " splits runs " + tasks + " tasks");
    }
    reader = splits.get(taskIndex).createReader(options.get(), null);
    unacked = new TreeMap<>();
    marks = new ArrayDeque<>();
  }

  @Override
  protected void emitSome() throws Exception {
    if (!watermark().isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      return;
    }
    long first = nextMessageId;
    boolean available = started ? reader.advance() : reader.start();
    started = true;
    for (int i = 0; available && i < RECORDS_PER_CALL; i++) {
      long id = nextMessageId++;
      unacked.put(
          id,
          emitTracked(
              WindowedValue.timestampedValueInGlobalWindow(
                  reader.getCurrent(), reader.getCurrentTimestamp()),
              id));
      available = i + 1 < RECORDS_PER_CALL && reader.advance();
    }
    if (nextMessageId > first) {
      marks.add(new Mark(nextMessageId - 1, reader.getCheckpointMark()));
    }
    Instant watermark = reader.getWatermark();
    // The end of time finishes the task, which must not happen before its last tuples are acked
    // and its last checkpoint mark finalized.
    if (watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE) || unacked.isEmpty()) {
      advanceWatermark(watermark);
    }
  }

  @Override
  public void ack(Object messageId) {
    unacked.remove((Long) messageId);
    long firstUnacked = unacked.isEmpty() ? nextMessageId : unacked.firstKey();
    while (!marks.isEmpty() && marks.peek().lastMessageId() < firstUnacked) {
      try {
        marks.poll().mark().finalizeCheckpoint();
      } catch (Exception e) {
        throw new IllegalStateException("Could not finalize a checkpoint mark", e);
      }
    }
  }

  @Override
  public void fail(Object messageId) {
    List<Object> tuple = unacked.get((Long) messageId);
    if (tuple != null) {
      replay(tuple, messageId);
    }
  }

  @Override
  protected void closeInput() {
    try {
      reader.close();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
