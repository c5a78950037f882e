package io.clickstream.storm.topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * The keys a keyed bolt (GroupByKey, stateful ParDo) holds state and timers for, indexed by the
 * time of each key's next event-time timer, its next processing-time timer and its earliest
 * watermark hold. A watermark or a tick then visits only the keys with a timer due, and the output
 * watermark is read off the earliest hold: walking every key on each watermark and tick took 12 %
 * of the JVM's CPU samples in a Storm drain's profile, the index 1.4 % (docs/benchmarks.md, run
 * AB).
 *
 * <p>A key's clocks are not moved with the bolt's: {@link #catchUp} brings them to the bolt's when
 * the key is worked on, which is the only time anything reads them. A key's entries are refreshed
 * before the index is next read after it was worked on (its timers and holds change only then), and
 * a key left with nothing to wait for is forgotten then.
 *
 * @param <S> a key's state and timers
 */
final class HeldKeys<S extends HeldKeys.Held> {
  /** What the index reads of a key's state. */
  interface Held {
    InMemoryTimerInternals timers();

    /** The earliest time the key holds the output watermark at, the end of time if none. */
    Instant hold();

    /** Whether the key has neither state nor timers left, so that it can be forgotten. */
    boolean isEmpty();
  }

  /** What a bolt does to a key with a timer due: move its clock, then fire what became due. */
  interface Visit<S> {
    void visit(S key) throws Exception;
  }

  private static final Instant NEVER = BoundedWindow.TIMESTAMP_MAX_VALUE;

  /** One key, with the times it is indexed under (the end of time: not indexed). */
  private final class Entry {
    final long id;
    final Object structuralKey;
    final S key;
    Instant nextEventTimer = NEVER;
    Instant nextProcessingTimer = NEVER;
    Instant hold = NEVER;

    Entry(long id, Object structuralKey, S key) {
      this.id = id;
      this.structuralKey = structuralKey;
      this.key = key;
    }
  }

  private final Runnable onForget;
  private final Map<Object, Entry> byKey = new HashMap<>();
  private final NavigableSet<Entry> byEventTimer = index(e -> e.nextEventTimer.getMillis());
  private final NavigableSet<Entry> byProcessingTimer =
      index(e -> e.nextProcessingTimer.getMillis());
  private final NavigableSet<Entry> byHold = index(e -> e.hold.getMillis());
  private final Set<Entry> workedOn = new LinkedHashSet<>();
  private long nextId;
  private Instant processingTime = BoundedWindow.TIMESTAMP_MIN_VALUE;

  /**
   * @param onForget called for each key forgotten
   */
  HeldKeys(Runnable onForget) {
    this.onForget = onForget;
  }

  private NavigableSet<Entry> index(ToLongFunction<Entry> time) {
    return new TreeSet<>(Comparator.comparingLong(time).thenComparingLong(e -> e.id));
  }

  /** The state of a key (created if new), which the caller is about to work on. */
  S workOn(Object structuralKey, Function<Object, S> create) {
    Entry entry =
        byKey.computeIfAbsent(structuralKey, k -> new Entry(nextId++, k, create.apply(k)));
    workedOn.add(entry);
    return entry.key;
  }

  /**
   * Visits, in no particular order, every key with a timer in {@code domain} (processing time
   * includes synchronized processing time) before {@code time}: the timers a clock at {@code time}
   * makes due. A visit fires them all, including those that firing sets for a time already past.
   * Processing time is the task's from then on ({@link #catchUp}).
   */
  void visitDue(TimeDomain domain, Instant time, Visit<S> visit) throws Exception {
    if (domain != TimeDomain.EVENT_TIME && time.isAfter(processingTime)) {
      processingTime = time;
    }
    refresh();
    NavigableSet<Entry> index = domain == TimeDomain.EVENT_TIME ? byEventTimer : byProcessingTimer;
    List<Entry> due = new ArrayList<>();
    for (Entry entry : index) {
      Instant next =
          domain == TimeDomain.EVENT_TIME ? entry.nextEventTimer : entry.nextProcessingTimer;
      if (!next.isBefore(time)) {
        break;
      }
      due.add(entry);
    }
    for (Entry entry : due) {
      workedOn.add(entry);
      visit.visit(entry.key);
    }
    refresh();
  }

  /**
   * The output watermark: the input watermark held back by the earliest hold of any key, never
   * behind the one already forwarded.
   */
  Instant outputWatermark(Instant input, Instant forwarded) {
    refresh();
    Instant output = byHold.isEmpty() ? input : earlier(input, byHold.first().hold);
    return output.isAfter(forwarded) ? output : forwarded;
  }

  /** Re-indexes the keys worked on since the last read, and forgets those left empty. */
  private void refresh() {
    for (Entry entry : workedOn) {
      byEventTimer.remove(entry);
      byProcessingTimer.remove(entry);
      byHold.remove(entry);
      InMemoryTimerInternals timers = entry.key.timers();
      entry.nextEventTimer = next(timers, TimeDomain.EVENT_TIME);
      entry.nextProcessingTimer =
          earlier(
              next(timers, TimeDomain.PROCESSING_TIME),
              next(timers, TimeDomain.SYNCHRONIZED_PROCESSING_TIME));
      entry.hold = entry.key.hold();
      if (entry.key.isEmpty()) {
        byKey.remove(entry.structuralKey);
        onForget.run();
        continue;
      }
      addIfTimed(byEventTimer, entry, entry.nextEventTimer);
      addIfTimed(byProcessingTimer, entry, entry.nextProcessingTimer);
      addIfTimed(byHold, entry, entry.hold);
    }
    workedOn.clear();
  }

  private void addIfTimed(NavigableSet<Entry> index, Entry entry, Instant time) {
    if (time.isBefore(NEVER)) {
      index.add(entry);
    }
  }

  private static Instant next(InMemoryTimerInternals timers, TimeDomain domain) {
    Instant next = timers.getNextTimer(domain);
    return next == null ? NEVER : next;
  }

  static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /**
   * Brings a key's clocks to the task's: its input watermark first, since its output watermark
   * cannot pass it; processing time to the last a visit of due processing-time timers was for. A
   * clock already ahead (a key's processing time moved by its own element) stays.
   */
  void catchUp(InMemoryTimerInternals timers, Instant input, Instant output) throws Exception {
    Instant processing = processingTime;
    if (input.isAfter(timers.currentInputWatermarkTime())) {
      timers.advanceInputWatermark(input);
    }
    Instant keyOutput = timers.currentOutputWatermarkTime();
    if (keyOutput == null || output.isAfter(keyOutput)) {
      timers.advanceOutputWatermark(output);
    }
    if (processing.isAfter(timers.currentProcessingTime())) {
      timers.advanceProcessingTime(processing);
    }
    if (processing.isAfter(timers.currentSynchronizedProcessingTime())) {
      timers.advanceSynchronizedProcessingTime(processing);
    }
  }
}
