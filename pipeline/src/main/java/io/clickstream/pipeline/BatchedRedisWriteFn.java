package io.clickstream.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;

/**
 * A sink DoFn that writes to Redis a batch per round trip: elements are gathered per bundle and
 * written every {@code batchSize} and when the bundle finishes, so a bundle is in Redis before the
 * runner commits it. Subclasses say how to connect and how to write a batch.
 */
abstract class BatchedRedisWriteFn<T, C extends AutoCloseable> extends DoFn<T, Void> {

  private final String redisUrl;
  private final int batchSize;
  private transient C connection;
  private transient List<T> batch;

  BatchedRedisWriteFn(String redisUrl, int batchSize) {
    this.redisUrl = redisUrl;
    this.batchSize = batchSize;
  }

  /**
   * Opens the worker's connection to Redis; it must honour the whole URL (password, TLS, database).
   */
  abstract C connect(String redisUrl);

  /** Writes one non-empty batch. */
  abstract void write(C connection, List<T> batch);

  @Setup
  public void setup() {
    connection = connect(redisUrl);
  }

  @StartBundle
  public void startBundle() {
    batch = new ArrayList<>();
  }

  @ProcessElement
  public void process(@Element T element) {
    batch.add(element);
    if (batch.size() >= batchSize) {
      flush();
    }
  }

  @FinishBundle
  public void finishBundle() {
    flush();
  }

  @Teardown
  public void teardown() throws Exception {
    if (connection != null) {
      connection.close();
    }
  }

  private void flush() {
    if (!batch.isEmpty()) {
      write(connection, batch);
      batch.clear();
    }
  }
}
