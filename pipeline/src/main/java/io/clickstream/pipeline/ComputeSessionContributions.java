package io.clickstream.pipeline;

import io.clickstream.core.Dimension;
import io.clickstream.core.Event;
import io.clickstream.core.RedisKeys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.IntervalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * Computes what one session contributes to every count (docs/redis-keys.md): events by name and by
 * name x each dimension (the event's own value), sessions started by first touch in the minute of the
 * first event, and conversions by first touch in the minute of the conversion.
 */
public class ComputeSessionContributions
    extends PTransform<PCollection<KV<String, Iterable<Event>>>, PCollection<SessionContribution>> {

  /** Session order: event time, then event id, as in docs/data-model.md. */
  static final Comparator<Event> EVENT_ORDER =
      Comparator.comparingLong(Event::timestampMillis).thenComparing(Event::eventId);

  @Override
  public PCollection<SessionContribution> expand(PCollection<KV<String, Iterable<Event>>> sessions) {
    return sessions
        .apply("ContributionPerSession", ParDo.of(new ContributionFn()))
        .setCoder(SerializableCoder.of(SessionContribution.class));
  }

  /** The session's events, each event id once, in session order. */
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

  /** The contribution of one session's events, the same function the oracle applies. */
  public static SessionContribution contributionOf(
      String userId, long start, long end, boolean last, Iterable<Event> events) {
    List<Event> session = distinctInOrder(events);
    if (session.isEmpty()) {
      // A final firing that carries nothing still tells the writer the session is closed.
      return new SessionContribution(userId, start, end, 0, last, Map.of(), Map.of(), Map.of());
    }
    Event firstTouch = session.get(0);
    Map<String, Long> counts = new HashMap<>();
    Map<String, Long> firstSeen = new HashMap<>();
    Map<String, Long> lastSeen = new HashMap<>();

    addByFirstTouch(counts, RedisKeys.METRIC_SESSIONS, minuteOf(firstTouch), firstTouch);
    for (Event e : session) {
      long minute = minuteOf(e);
      String metric = RedisKeys.eventMetric(e.name());
      add(counts, RedisKeys.counts(metric, RedisKeys.DIM_ALL, minute), RedisKeys.ALL);
      for (Dimension d : Dimension.values()) {
        add(counts, RedisKeys.counts(metric, d.wireName(), minute), Dimension.valueOrNone(e.dimension(d)));
      }
      add(counts, RedisKeys.CATALOG_TOTAL, e.name());
      firstSeen.merge(e.name(), e.timestampMillis(), Math::min);
      lastSeen.merge(e.name(), e.timestampMillis(), Math::max);
      if (e.conversion() != null) {
        addByFirstTouch(counts, RedisKeys.conversionMetric(e.conversion()), minute, firstTouch);
      }
    }
    return new SessionContribution(userId, start, end, session.size(), last, counts, firstSeen, lastSeen);
  }

  private static void addByFirstTouch(Map<String, Long> counts, String metric, long minute, Event firstTouch) {
    add(counts, RedisKeys.counts(metric, RedisKeys.DIM_ALL, minute), RedisKeys.ALL);
    for (Dimension d : Dimension.values()) {
      add(counts, RedisKeys.counts(metric, d.wireName(), minute), Dimension.valueOrNone(firstTouch.dimension(d)));
    }
  }

  private static void add(Map<String, Long> counts, String key, String field) {
    counts.merge(SessionContribution.countField(key, field), 1L, Long::sum);
  }

  private static long minuteOf(Event e) {
    return Math.floorDiv(e.timestampMillis(), 60_000L);
  }

  static final class ContributionFn extends DoFn<KV<String, Iterable<Event>>, SessionContribution> {
    @ProcessElement
    public void process(
        @Element KV<String, Iterable<Event>> session, IntervalWindow window, PaneInfo pane,
        OutputReceiver<SessionContribution> out) {
      out.output(contributionOf(session.getKey(), window.start().getMillis(), window.end().getMillis(),
          pane.isLast(), session.getValue()));
    }
  }
}
