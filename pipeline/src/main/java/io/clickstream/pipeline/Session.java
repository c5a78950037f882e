package io.clickstream.pipeline;

import io.clickstream.core.Event;
import java.util.List;

/**
 * One firing of one user's session: all its events so far (each event id once, in session order),
 * so what is computed from it is absolute, never a delta.
 *
 * @param userId the session's user
 * @param startMillis its earliest event time
 * @param endMillis its latest event time plus the session gap
 * @param firing why it was emitted
 * @param last true on its final firing, after which it can no longer change
 * @param events the events it counts, distinct and in session order
 * @param setAside how many other events the caps set aside ({@link SessionCaps})
 */
public record Session(
    String userId,
    long startMillis,
    long endMillis,
    Firing firing,
    boolean last,
    List<Event> events,
    int setAside) {

  /** Why a session was emitted, as Beam names a trigger's panes. */
  public enum Firing {
    /** Shortly after new events, while the watermark has not yet passed the session's end. */
    EARLY,
    /** When the watermark passes the session's end. */
    ON_TIME,
    /** For an event that arrived after the watermark had passed the session's end. */
    LATE
  }

  public Session {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a session of " + userId + " without events");
    }
    events = List.copyOf(events);
  }

  /**
   * Every distinct event the session has seen, counted or set aside: what its contribution's
   * version grows with. Not the counted ones alone, which a late earlier event can make fewer (the
   * length cap then leaves out the latest), and a newer firing must never look older.
   */
  public int eventsSeen() {
    return events.size() + setAside;
  }

  /**
   * Whether this is the session's final firing and it starts in {@code [from, to)}: the sessions a
   * history query over that range reads (a batch read fires each session once more as it closes).
   */
  public boolean finalStartingIn(long fromMillis, long toMillis) {
    return last && startMillis >= fromMillis && startMillis < toMillis;
  }

  /** True once the watermark has passed the session's end: it can grow only by late events. */
  public boolean closed() {
    return firing != Firing.EARLY;
  }
}
