package io.clickstream.launcher;

import io.clickstream.core.generator.GeneratedEvent;
import io.clickstream.pipeline.testing.EventsTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Generated lines written into HBase in the background as a live site sends them: each once it is
 * due ({@link GeneratedEvent#writeAt}), never before, so that no event time lies ahead of its write
 * time (a future event) or far behind it (a late one), whatever the pipeline is doing meanwhile.
 */
final class LiveLoad {

  /** How often the due lines are written: a batch each time, as a busy site's writers would. */
  private static final long EVERY_MILLIS = 100;

  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile int written;

  private LiveLoad() {}

  /** Starts writing {@code events}, in write order, on a thread of its own. */
  static LiveLoad start(List<GeneratedEvent> events) {
    LiveLoad load = new LiveLoad();
    Thread thread =
        new Thread(
            () -> {
              try {
                load.write(events);
                load.done.complete(null);
              } catch (Throwable t) {
                load.done.completeExceptionally(t);
              }
            },
            "live-load");
    thread.setDaemon(true);
    thread.start();
    return load;
  }

  private void write(List<GeneratedEvent> events) throws Exception {
    int next = 0;
    while (next < events.size()) {
      long now = System.currentTimeMillis();
      List<String> due = new ArrayList<>();
      while (next < events.size() && events.get(next).writeAt().toEpochMilli() <= now) {
        due.add(events.get(next++).json());
      }
      EventsTable.write(due);
      written = next;
      Thread.sleep(EVERY_MILLIS);
    }
  }

  /** Lines written so far. */
  int written() {
    return written;
  }

  boolean finished() {
    return done.isDone();
  }

  /** Waits until every line is written, rethrowing what stopped the writer. */
  void awaitEnd(Duration timeout) throws Exception {
    done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
