package io.clickstream.pipeline;

import io.clickstream.core.Event;
import io.clickstream.core.SaturatingTime;
import io.clickstream.core.SessionOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One user's sessions that the watermark has not yet expired, as {@link SessionizeEvents} keeps
 * them: disjoint, in start order, each with the events it counts (at most the cap's count) and how
 * many it set aside.
 *
 * <p>A session is {@code [first event, last event + gap)}, and an event joins every session its own
 * {@code [ts, ts + gap)} overlaps, merging them, as Beam's session windows do. Every event extends
 * its session, set aside or not: the caps bound what a session counts and keeps, not where the user
 * was active.
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

    /** How many of its events were set aside by the caps: with {@code events}, all it has seen. */
    int setAside;

    Open(
        long start,
        long lastEventTime,
        List<Event> events,
        boolean changed,
        boolean closed,
        int setAside) {
      this.start = start;
      this.lastEventTime = lastEventTime;
      this.events = events;
      this.changed = changed;
      this.closed = closed;
      this.setAside = setAside;
    }

    long end(long gapMillis) {
      return SaturatingTime.plus(lastEventTime, gapMillis);
    }

    /**
     * The time the watermark must pass for the session to be complete: its window's last instant.
     */
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
      return new Session(
          user,
          start,
          end(gapMillis),
          firing,
          last,
          SessionOrder.distinctInOrder(events),
          setAside);
    }

    /**
     * Takes {@code event}, which is no earlier than the session's start: set aside at once when the
     * caps leave it out for good (it is past the length cap, or after every event of a full
     * session), else kept, and the caps applied again if the session is now over the count. Events
     * stay distinct by event_id, so a full session's count is its distinct events.
     */
    private void join(Event event, SessionCaps caps, List<Event> aside) {
      lastEventTime = Math.max(lastEventTime, event.timestampMillis());
      int copy = indexOf(event.eventId());
      if (copy >= 0) {
        // A re-sent event: its earliest copy counts (by event time, then event_id), as
        // distinctInOrder keeps.
        if (SessionOrder.EVENT_ORDER.compare(event, events.get(copy)) < 0) {
          events.set(copy, event);
          changed = true;
        }
        return;
      }
      if (event.timestampMillis() >= caps.lengthLimit(start)
          || events.size() >= caps.maxEvents() && isAfterAll(event)) {
        aside.add(event);
        setAside++;
        return;
      }
      events.add(event);
      changed = true;
      if (events.size() > caps.maxEvents()) {
        cap(caps, aside);
      }
    }

    /**
     * Keeps the session's first {@code maxEvents} distinct events (by event time, then event_id)
     * that are less than the length cap after its start, and moves the others to {@code aside}.
     * Both caps only ever leave out more as events arrive, so an event set aside never comes back.
     */
    private void cap(SessionCaps caps, List<Event> aside) {
      List<Event> ordered = SessionOrder.distinctInOrder(events);
      long limit = caps.lengthLimit(start);
      events.clear();
      for (Event e : ordered) {
        if (events.size() < caps.maxEvents() && e.timestampMillis() < limit) {
          events.add(e);
        } else {
          aside.add(e);
          setAside++;
        }
      }
    }

    private boolean isAfterAll(Event event) {
      for (Event e : events) {
        if (SessionOrder.EVENT_ORDER.compare(event, e) <= 0) {
          return false;
        }
      }
      return true;
    }

    private int indexOf(String eventId) {
      for (int i = 0; i < events.size(); i++) {
        if (events.get(i).eventId().equals(eventId)) {
          return i;
        }
      }
      return -1;
    }
  }

  private final List<Open> sessions = new ArrayList<>();

  /**
   * Adds {@code event}, merging the sessions it bridges, and applies the caps to the session now
   * holding it, which it returns; events the caps leave out are added to {@code aside}. An event
   * set aside still extends its session (the user was active), it only does not count.
   */
  Open add(Event event, long gapMillis, SessionCaps caps, List<Event> aside) {
    long ts = event.timestampMillis();
    List<Open> bridged = new ArrayList<>();
    int at = 0;
    for (Iterator<Open> it = sessions.iterator(); it.hasNext(); ) {
      Open s = it.next();
      if (s.start < SaturatingTime.plus(ts, gapMillis) && ts < s.end(gapMillis)) {
        bridged.add(s);
        it.remove();
      } else if (s.start < ts) {
        at++;
      }
    }
    Open into;
    if (bridged.size() == 1 && bridged.get(0).start <= ts) {
      // The common case, a session going on: no merge and no earlier start, so no need to sort it.
      into = bridged.get(0);
      into.closed = false;
      into.join(event, caps, aside);
    } else {
      List<Event> events = new ArrayList<>();
      events.add(event);
      bridged.add(new Open(ts, ts, events, true, false, 0));
      into = merged(bridged, caps, aside);
    }
    sessions.add(at, into);
    return into;
  }

  /**
   * Merges the sessions that a gap of {@code gapMillis} now bridges. Sessions never need it, their
   * gap is fixed; user-scope episodes do when a new funnel's window lengthens their reach.
   */
  void mergeWithin(long gapMillis, SessionCaps caps, List<Event> aside) {
    for (int i = 1; i < sessions.size(); ) {
      Open before = sessions.get(i - 1);
      Open next = sessions.get(i);
      if (next.start < before.end(gapMillis)) {
        sessions.set(i - 1, merged(List.of(before, next), caps, aside));
        sessions.remove(i);
      } else {
        i++;
      }
    }
  }

  /** One session of all of {@code parts}' events, capped again. */
  private static Open merged(List<Open> parts, SessionCaps caps, List<Event> aside) {
    Open into = new Open(Long.MAX_VALUE, Long.MIN_VALUE, new ArrayList<>(), true, false, 0);
    for (Open s : parts) {
      into.start = Math.min(into.start, s.start);
      into.lastEventTime = Math.max(into.lastEventTime, s.lastEventTime);
      into.events.addAll(s.events);
      into.setAside += s.setAside;
    }
    into.cap(caps, aside);
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
