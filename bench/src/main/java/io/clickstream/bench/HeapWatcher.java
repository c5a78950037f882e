package io.clickstream.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap of this JVM while one engine runs: everything runs in it (HBase, Redis's client, Flink
 * or the Direct runner), so the figures are the engine's on top of a common floor, {@link
 * Peak#before}.
 *
 * <p>Two peaks: the used heap sampled every {@link #SAMPLE_MILLIS} ms, which includes garbage not
 * yet collected and so mostly tells how far the collector lets the heap fill; and the heap left
 * right after each collection (from the collector's notifications), which is what the engine
 * actually keeps.
 */
final class HeapWatcher implements AutoCloseable {

  private static final long SAMPLE_MILLIS = 100;
  private static final long MIB = 1 << 20;

  /**
   * In MiB.
   *
   * @param before live heap right before the run (after a full collection)
   * @param used the highest used heap sampled
   * @param afterGc the highest heap left after a collection; -1 when no collection ran
   */
  record Peak(long before, long used, long afterGc) {}

  private final long before;
  private final AtomicLong peakUsed = new AtomicLong();
  private final AtomicLong peakAfterGc = new AtomicLong(-1);
  private final Set<String> heapPools =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP)
          .map(MemoryPoolMXBean::getName)
          .collect(Collectors.toSet());
  private final NotificationListener onCollection = this::collected;
  private final List<NotificationEmitter> collectors = new ArrayList<>();
  private final Thread sampler;

  private HeapWatcher() {
    // A clean floor: what the previous run left behind and can be freed does not count.
    System.gc();
    before = usedHeap();
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(onCollection, null, null);
        collectors.add(emitter);
      }
    }
    sampler = new Thread(this::sample, "bench-heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  static HeapWatcher start() {
    return new HeapWatcher();
  }

  /** Stops watching and returns the peaks. */
  Peak stop() {
    close();
    long afterGc = peakAfterGc.get();
    return new Peak(
        before / MIB, Math.max(peakUsed.get(), usedHeap()) / MIB, afterGc < 0 ? -1 : afterGc / MIB);
  }

  @Override
  public void close() {
    sampler.interrupt();
    for (NotificationEmitter emitter : collectors) {
      try {
        emitter.removeNotificationListener(onCollection);
      } catch (ListenerNotFoundException e) {
        // already removed by an earlier close
      }
    }
    collectors.clear();
  }

  private void sample() {
    while (!Thread.currentThread().isInterrupted()) {
      peakUsed.accumulateAndGet(usedHeap(), Math::max);
      try {
        Thread.sleep(SAMPLE_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void collected(Notification notification, Object handback) {
    if (!notification
        .getType()
        .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
      return;
    }
    Map<String, MemoryUsage> after =
        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData())
            .getGcInfo()
            .getMemoryUsageAfterGc();
    long heap =
        after.entrySet().stream()
            .filter(pool -> heapPools.contains(pool.getKey()))
            .mapToLong(pool -> pool.getValue().getUsed())
            .sum();
    peakAfterGc.accumulateAndGet(heap, Math::max);
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
