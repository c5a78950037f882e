package io.clickstream.storm.topology;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Set;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateContext;
import org.apache.beam.sdk.state.WatermarkHoldState;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * One key's in-memory state that also remembers its watermark holds, so that the bolt can hold its
 * output watermark at the earliest of them: a pane whose timestamp is held (an EARLIEST timestamp
 * combiner, say) must not be late downstream when it fires.
 */
final class HoldTrackingStateInternals extends InMemoryStateInternals<Object> {
  private final Set<WatermarkHoldState> holds = Collections.newSetFromMap(new IdentityHashMap<>());

  HoldTrackingStateInternals(Object key) {
    super(key);
  }

  @Override
  public <T extends State> T state(
      StateNamespace namespace, StateTag<T> address, StateContext<?> context) {
    T found = super.state(namespace, address, context);
    if (found instanceof WatermarkHoldState hold) {
      holds.add(hold);
    }
    return found;
  }

  /** The earliest hold, or the end of time when nothing is held; forgets the cleared holds. */
  Instant earliestHold() {
    Instant earliest = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (Iterator<WatermarkHoldState> it = holds.iterator(); it.hasNext(); ) {
      Instant hold = it.next().read();
      if (hold == null) {
        it.remove();
      } else if (hold.isBefore(earliest)) {
        earliest = hold;
      }
    }
    return earliest;
  }

  /** Drops the cells of a namespace (an expired window's), cleared or not. */
  void forget(StateNamespace namespace) {
    inMemoryState.clearNamespace(namespace);
  }

  /** Whether every cell this key ever used has been cleared, so that the key can be forgotten. */
  boolean isEmpty() {
    for (State cell : inMemoryState.values()) {
      if (!((InMemoryState<?>) cell).isCleared()) {
        return false;
      }
    }
    return true;
  }
}
