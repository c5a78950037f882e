package io.clickstream.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The order of a user's events, and which copy of a re-sent event counts (docs/data-model.md): an
 * event is its (user_id, event_id); within one user, events are ordered by event time, then
 * event_id, and of the copies of one event_id the earliest in that order is kept. Defined once
 * here, so that the pipeline, the test oracle and the benchmark's baseline cannot drift apart.
 */
public final class SessionOrder {

  /** Event time, then event_id. */
  public static final Comparator<Event> EVENT_ORDER =
      Comparator.comparingLong(Event::timestampMillis).thenComparing(Event::eventId);

  private SessionOrder() {}

  /** One user's events, each event_id once (its earliest copy), in {@link #EVENT_ORDER}. */
  public static List<Event> distinctInOrder(Iterable<Event> events) {
    List<Event> sorted = new ArrayList<>();
    events.forEach(sorted::add);
    sorted.sort(EVENT_ORDER);
    Set<String> seen = new HashSet<>();
    List<Event> distinct = new ArrayList<>(sorted.size());
    for (Event e : sorted) {
      if (seen.add(e.eventId())) {
        distinct.add(e);
      }
    }
    return distinct;
  }
}
