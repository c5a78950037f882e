package io.clickstream.pipeline;

import io.clickstream.core.Dimension;
import io.clickstream.core.Event;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelEvaluator;
import io.clickstream.core.funnel.FunnelResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Computes what one session firing contributes (docs/redis-keys.md, docs/funnels.md): to the event
 * counts (events by name and by name x each dimension, sessions started by first touch in the minute
 * of the first event, conversions by first touch in the minute of the conversion), and to the results
 * of every session-scope funnel that covers the session.
 */
public class ComputeSessionContributions
    extends PTransform<PCollection<Session>, PCollection<SessionContribution>> {

  /** Session order: event time, then event id, as in docs/data-model.md. */
  static final Comparator<Event> EVENT_ORDER =
      Comparator.comparingLong(Event::timestampMillis).thenComparing(Event::eventId);

  private final FunnelCatalog funnels;
  private final boolean eventCounts;
  private final FunnelCoverage coverage;

  private ComputeSessionContributions(FunnelCatalog funnels, boolean eventCounts, FunnelCoverage coverage) {
    this.funnels = funnels;
    this.eventCounts = eventCounts;
    this.coverage = coverage;
  }

  /** The live job: event counts, and every session-scope funnel from its live_from on. */
  public static ComputeSessionContributions live(FunnelCatalog funnels) {
    return new ComputeSessionContributions(funnels, true, FunnelCoverage.LIVE);
  }

  /**
   * A backfill: one funnel's results only, for sessions starting in [from, to) and before live_from
   * that end at or before {@code finishedBy}.
   */
  public static ComputeSessionContributions backfill(FunnelDefinition funnel, long fromMillis, long toMillis,
      long finishedBy) {
    return new ComputeSessionContributions(FunnelCatalog.of(List.of(funnel)), false,
        FunnelCoverage.backfill(fromMillis, toMillis, finishedBy));
  }

  @Override
  public PCollection<SessionContribution> expand(PCollection<Session> sessions) {
    return sessions
        .apply("ContributionsPerSession", ParDo.of(new ContributionFn(funnels, eventCounts, coverage)))
        .setCoder(SessionContributionCoder.of());
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

  /** The contribution of one session's events to the event counts. */
  public static SessionContribution contributionOf(
      String userId, long start, long end, boolean closed, boolean last, List<Event> session) {
    long version = SessionContribution.versionOf(session.size(), closed);
    Map<String, Long> counts = new HashMap<>();
    Map<String, Long> firstSeen = new HashMap<>();
    Map<String, Long> lastSeen = new HashMap<>();
    Event firstTouch = session.get(0);
    addByFirstTouch(counts, RedisKeys.METRIC_SESSIONS, minuteOf(firstTouch.timestampMillis()), firstTouch);
    for (Event e : session) {
      long minute = minuteOf(e.timestampMillis());
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
    return new SessionContribution(RedisKeys.NAMESPACE_EVENTS, userId, start, end, version, last, counts, firstSeen, lastSeen);
  }

  /**
   * The contribution of one session to a session-scope funnel's results: its result (if any)
   * counted in the minute of its step-1 event, by the session's first touch.
   */
  public static SessionContribution funnelContributionOf(FunnelDefinition f, String namespace, String userId,
      long start, long end, boolean closed, boolean last, List<Event> session) {
    Map<String, Long> counts = new HashMap<>();
    Optional<FunnelResult> result = FunnelEvaluator.evaluateSession(f, session);
    result.ifPresent(r -> FunnelCounts.add(counts, f, r, session.get(0), r.reached() == f.stepCount()
        ? FunnelCounts.Status.COMPLETE : closed ? FunnelCounts.Status.DROPPED : FunnelCounts.Status.IN_PROGRESS));
    long version = SessionContribution.versionOf(session.size(), closed);
    return new SessionContribution(namespace, userId, start, end, version, last, counts, Map.of(), Map.of());
  }

  private static void addByFirstTouch(Map<String, Long> counts, String metric, long minute, Event firstTouch) {
    add(counts, RedisKeys.counts(metric, RedisKeys.DIM_ALL, minute), RedisKeys.ALL);
    for (Dimension d : Dimension.values()) {
      add(counts, RedisKeys.counts(metric, d.wireName(), minute), Dimension.valueOrNone(firstTouch.dimension(d)));
    }
  }

  private static void add(Map<String, Long> counts, String key, String field) {
    FunnelCounts.increment(counts, key, field);
  }

  private static long minuteOf(long millis) {
    return Math.floorDiv(millis, 60_000L);
  }

  static final class ContributionFn extends DoFn<Session, SessionContribution> {
    private final FunnelCatalog funnels;
    private final boolean eventCounts;
    private final FunnelCoverage coverage;

    ContributionFn(FunnelCatalog funnels, boolean eventCounts, FunnelCoverage coverage) {
      this.funnels = funnels;
      this.eventCounts = eventCounts;
      this.coverage = coverage;
    }

    @ProcessElement
    public void process(@Element Session session, OutputReceiver<SessionContribution> out) {
      String user = session.userId();
      List<Event> events = session.events();
      long start = session.startMillis();
      long end = session.endMillis();
      boolean closed = session.closed();
      if (eventCounts) {
        out.output(contributionOf(user, start, end, closed, session.last(), events)
            .withVersion(SessionContribution.versionOf(session.eventsSeen(), closed)));
      }
      long lastEventTime = events.get(events.size() - 1).timestampMillis();
      for (FunnelDefinition f : funnels.current()) {
        if (f.scope() != FunnelDefinition.Scope.SESSION) {
          continue;
        }
        try {
          contribute(f, user, start, end, closed, session.last(), lastEventTime, events, session.eventsSeen(), out);
        } catch (RuntimeException e) {
          funnels.markFailed(f, e);
        }
      }
    }

    /** @param seen the session's events counted or set aside, which its versions grow with */
    private void contribute(FunnelDefinition f, String user, long start, long end, boolean closed, boolean last,
        long lastEventTime, List<Event> events, int seen, OutputReceiver<SessionContribution> out) {
      if (coverage.covers(f, start)) {
        if (!FunnelCounts.touches(f, events)) {
          return;
        }
        if (coverage.finished(end)) {
          out.output(funnelContributionOf(f, coverage.namespace(f), user, start, end, closed, last, events)
              .withVersion(SessionContribution.versionOf(seen, closed)));
        } else {
          if (last) {
            FunnelCoverage.OPEN.inc();
          }
          out.output(funnelContributionOf(f, coverage.namespace(f), user, start, end, false, false, events)
              .withVersion(SessionContribution.versionOf(seen, false)));
        }
      } else if (coverage.live() && lastEventTime >= f.liveFromMillis() && FunnelCounts.touches(f, events)) {
        // A late earlier event moved the session's start before live_from: it belongs to the
        // backfill now, so whatever the live path counted for it is retracted.
        out.output(new SessionContribution(coverage.namespace(f), user, start, end,
            SessionContribution.versionOf(seen, closed), last, Map.of(), Map.of(), Map.of()));
      }
    }
  }
}
