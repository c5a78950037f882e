package io.clickstream.pipeline;

import io.clickstream.core.Event;
import io.clickstream.core.SaturatingTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One user's sessions that the watermark has not yet expired, as {@link SessionizeEvents} keeps
 * them: disjoint, in start order, each its events as they arrived (a re-sent event included; it is
 * dropped when the session is emitted).
 *
 * <p>A session is {@code [first event, last event + gap)}, and an event joins every session its own
 * {@code [ts, ts + gap)} overlaps, merging them, as Beam's session windows do.
 */
final class UserSessions {

  /** One session and where its firings stand. */
  static final class Open {
    long start;
    long lastEventTime;
    final List<Event> events;
    /** Has events not yet emitted. */
    boolean changed;
    /** Emitted since the watermark passed its end: later firings are late ones. */
    boolean closed;

    Open(long start, long lastEventTime, List<Event> events, boolean changed, boolean closed) {
      this.start = start;
      this.lastEventTime = lastEventTime;
      this.events = events;
      this.changed = changed;
      this.closed = closed;
    }

    long end(long gapMillis) {
      return SaturatingTime.plus(lastEventTime, gapMillis);
    }

    /** The time the watermark must pass for the session to be complete: its window's last instant. */
    long onTime(long gapMillis) {
      return end(gapMillis) - 1;
    }

    /** After this the session takes no more events and is emitted for the last time. */
    long expiry(long gapMillis, long latenessMillis) {
      return SaturatingTime.plus(onTime(gapMillis), latenessMillis);
    }

    /** Emits the session as it is now. */
    Session fire(String user, Session.Firing firing, boolean last, long gapMillis) {
      changed = false;
      return new Session(user, start, end(gapMillis), firing, last,
          ComputeSessionContributions.distinctInOrder(events));
    }
  }

  private final List<Open> sessions = new ArrayList<>();

  /** Adds {@code event}, merging the sessions it bridges; returns the session now holding it. */
  Open add(Event event, long gapMillis) {
    long ts = event.timestampMillis();
    List<Event> events = new ArrayList<>();
    events.add(event);
    Open into = new Open(ts, ts, events, true, false);
    int at = 0;
    for (Iterator<Open> it = sessions.iterator(); it.hasNext(); ) {
      Open s = it.next();
      if (s.start < into.end(gapMillis) && into.start < s.end(gapMillis)) {
        into.start = Math.min(into.start, s.start);
        into.lastEventTime = Math.max(into.lastEventTime, s.lastEventTime);
        into.events.addAll(s.events);
        it.remove();
      } else if (s.start < into.start) {
        at++;
      }
    }
    sessions.add(at, into);
    return into;
  }

  List<Open> sessions() {
    return sessions;
  }

  boolean isEmpty() {
    return sessions.isEmpty();
  }

  /** The earliest time the watermark must pass for a session to fire on time or expire. */
  long dueTime(long gapMillis, long latenessMillis) {
    long due = UserShard.NEVER;
    for (Open s : sessions) {
      due = Math.min(due, s.closed ? s.expiry(gapMillis, latenessMillis) : s.onTime(gapMillis));
    }
    return due;
  }
}
