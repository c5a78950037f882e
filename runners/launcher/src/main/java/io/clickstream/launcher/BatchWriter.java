package io.clickstream.launcher;

import io.clickstream.core.EventTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.hbase.client.CheckAndMutate;
import org.apache.hadoop.hbase.client.CheckAndMutateResult;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Table;

/**
 * Writes events to the events table on a thread of its own, one batch per request, while the caller
 * reads and parses the next lines: {@code load}'s two halves overlap instead of taking turns.
 *
 * <p>The caller {@link #add}s conditional puts ({@link EventTable#putIfAbsent}: a re-sent event
 * keeps its first write time); every {@code batchSize} of them go to the writer thread as one
 * {@link Table#checkAndMutate(List)}: one synchronous call, a request per region server. At most
 * {@link #QUEUED_BATCHES} batches wait, so memory stays bounded and the reader slows down to
 * HBase's pace. {@link #flush} hands over the partial batch and returns once HBase has acknowledged
 * everything added.
 *
 * <p>(Not a {@code BufferedMutator}: in HBase 2.6, once its buffer is full, each {@code mutate}
 * waits for a request to complete anyway, and rescans the whole buffer to build it; profiled in
 * docs/benchmarks.md.)
 *
 * <p>A failed write, reported by the next {@link #add} or {@link #flush}, is a {@link UserError}
 * that names HBase and how many lines were written; later batches are dropped.
 */
final class BatchWriter implements AutoCloseable {

  /** Batches waiting for the writer thread, besides the one it writes and the one being filled. */
  static final int QUEUED_BATCHES = 2;

  private static final Object END = new Object();

  private final Table table;
  private final String zk;
  private final int batchSize;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUED_BATCHES);
  private final Thread thread;
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong alreadyThere = new AtomicLong();
  private volatile Throwable failure;
  private List<CheckAndMutate> batch;
  private long handedOver;

  BatchWriter(Connection connection, String zk, int batchSize) throws IOException {
    this.table = connection.getTable(EventTable.NAME);
    this.zk = zk;
    this.batchSize = batchSize;
    this.batch = newBatch();
    this.thread = new Thread(this::writeBatches, "load-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Queues a write; a full batch goes to the writer thread, waiting while {@link #QUEUED_BATCHES}
   * are queued.
   */
  void add(CheckAndMutate write) {
    batch.add(write);
    if (batch.size() >= batchSize) {
      handOver();
    }
  }

  /** Returns once every put added so far is written. */
  void flush() {
    handOver();
    if (acknowledged.get() == handedOver && failure == null) {
      return;
    }
    CountDownLatch done = new CountDownLatch(1);
    enqueue(done);
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while writing to HBase at " + zk);
    }
    checkNotFailed();
  }

  /** Events HBase acknowledged: written, or already there. */
  long acknowledged() {
    return acknowledged.get();
  }

  /** Events HBase already had, which kept their first copy. */
  long alreadyThere() {
    return alreadyThere.get();
  }

  /**
   * Writes what is left unless a write failed (when load stops early on an unreadable input, say,
   * the lines read so far are kept), then ends the writer thread.
   */
  @Override
  public void close() {
    try {
      if (failure == null) {
        flush();
      }
    } finally {
      batch.clear();
      try {
        enqueue(END);
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        // Interrupted while queueing the end: the daemon thread is left behind, waiting.
      }
      try {
        table.close();
      } catch (IOException e) {
        // Nothing is left to write: closing a Table only releases it.
      }
    }
  }

  private void handOver() {
    checkNotFailed();
    if (batch.isEmpty()) {
      return;
    }
    enqueue(batch);
    handedOver += batch.size();
    batch = newBatch();
  }

  private void enqueue(Object item) {
    try {
      queue.put(item);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while writing to HBase at " + zk);
    }
  }

  private void checkNotFailed() {
    Throwable e = failure;
    if (e != null) {
      throw new UserError(
          "writing to HBase at "
              + zk
              + " failed: "
              + Analytics.describe(e)
              + " ("
              + acknowledged.get()
              + " lines were written before; loading the file again is harmless)",
          e);
    }
  }

  private List<CheckAndMutate> newBatch() {
    return new ArrayList<>(Math.min(batchSize, 10_000));
  }

  /**
   * The writer thread: batches in order, each one request; after a failure, only releases flushes.
   */
  @SuppressWarnings("unchecked")
  private void writeBatches() {
    while (true) {
      Object item;
      try {
        item = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (item == END) {
        return;
      }
      if (item instanceof CountDownLatch flushed) {
        flushed.countDown();
      } else if (failure == null) {
        List<CheckAndMutate> writes = (List<CheckAndMutate>) item;
        try {
          long refused = 0;
          for (CheckAndMutateResult result : table.checkAndMutate(writes)) {
            refused += result.isSuccess() ? 0 : 1;
          }
          alreadyThere.addAndGet(refused);
          acknowledged.addAndGet(writes.size());
        } catch (
            Throwable e) { // anything: a writer thread that died would leave load waiting forever
          failure = e;
        }
      }
    }
  }
}
