package io.clickstream.pipeline;

import io.clickstream.core.DimensionName;
import io.clickstream.core.Event;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.SessionFigures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Computes what one session firing contributes to the event counts (docs/redis-keys.md): events by
 * name and by name x each configured dimension (the event's own value), sessions started by first
 * touch (every dimension's value from the session's first event) in the minute of the first event,
 * with their figures (events, bounces, length bucket: {@code SessionFigures}) likewise, conversions
 * by first touch in the minute of the conversion, and the catalog's totals and first and last seen.
 *
 * <p>Live, a session is counted by each dimension whose live_from it starts at or after ({@link
 * CountedDimensions}). A dimension backfill counts the sessions before one dimension's live_from,
 * by that dimension alone, under records of its own ({@link Coverage}).
 */
public class CountSessionEvents
    extends PTransform<PCollection<Session>, PCollection<Contribution>> {

  private final DoFn<Session, Contribution> fn;

  private CountSessionEvents(DoFn<Session, Contribution> fn) {
    this.fn = fn;
  }

  /** The live job: every session, by the dimensions it starts in the live range of. */
  public static CountSessionEvents live(CountedDimensions dimensions) {
    return new CountSessionEvents(new CountFn(dimensions));
  }

  /**
   * A dimension backfill: the sessions starting in [from, to) and before {@code d}'s live_from, by
   * {@code d} only, sealed if they end at or before {@code finishedBy}.
   */
  public static CountSessionEvents backfill(
      DimensionName d, long liveFromMillis, long fromMillis, long toMillis, long finishedBy) {
    return new CountSessionEvents(
        new CountDimensionFn(
            d, liveFromMillis, Coverage.backfill(fromMillis, toMillis, finishedBy)));
  }

  @Override
  public PCollection<Contribution> expand(PCollection<Session> sessions) {
    return sessions.apply("CountEventsPerSession", ParDo.of(fn)).setCoder(ContributionCoder.of());
  }

  /**
   * The contribution of one session's events (distinct, in session order) to the event counts, by
   * {@code dimensions}.
   */
  public static Contribution contributionOf(
      List<DimensionName> dimensions,
      String userId,
      long start,
      long end,
      boolean closed,
      boolean last,
      List<Event> session) {
    long version = Contribution.versionOf(session.size(), closed);
    Map<String, Long> counts = new HashMap<>();
    Map<String, Long> firstSeen = new HashMap<>();
    Map<String, Long> lastSeen = new HashMap<>();
    countBy(counts, true, dimensions, session);
    for (Event e : session) {
      add(counts, RedisKeys.CATALOG_TOTAL, e.name());
      firstSeen.merge(e.name(), e.timestampMillis(), Math::min);
      lastSeen.merge(e.name(), e.timestampMillis(), Math::max);
    }
    return new Contribution(
        RedisKeys.NAMESPACE_EVENTS, userId, start, end, version, last, counts, firstSeen, lastSeen);
  }

  /** The records a dimension's contributions are kept under, live. */
  static String namespaceOf(DimensionName d) {
    return RedisKeys.NAMESPACE_EVENTS + ".dim." + d.keyPart();
  }

  /**
   * Counts one session into {@code counts}: the sessions started, each event and each conversion,
   * by every one of {@code dimensions}, and into the undivided hashes if {@code undivided}.
   */
  private static void countBy(
      Map<String, Long> counts,
      boolean undivided,
      List<DimensionName> dimensions,
      List<Event> session) {
    Event firstTouch = session.get(0);
    long startMinute = minuteOf(firstTouch.timestampMillis());
    addBy(counts, undivided, dimensions, RedisKeys.METRIC_SESSIONS, startMinute, firstTouch);
    // The session's figures, over the same sessions as the count (SessionFigures).
    for (int i = 0; i < session.size(); i++) {
      addBy(counts, undivided, dimensions, SessionFigures.METRIC_EVENTS, startMinute, firstTouch);
    }
    if (session.size() == 1) {
      addBy(counts, undivided, dimensions, SessionFigures.METRIC_BOUNCES, startMinute, firstTouch);
    }
    String length =
        SessionFigures.lengthMetric(
            SessionFigures.lengthBucket(
                firstTouch.timestampMillis(), session.get(session.size() - 1).timestampMillis()));
    addBy(counts, undivided, dimensions, length, startMinute, firstTouch);
    for (Event e : session) {
      long minute = minuteOf(e.timestampMillis());
      addBy(counts, undivided, dimensions, RedisKeys.eventMetric(e.name()), minute, e);
      if (e.conversion() != null) {
        addBy(
            counts,
            undivided,
            dimensions,
            RedisKeys.conversionMetric(e.conversion()),
            minute,
            firstTouch);
      }
    }
  }

  /** Counts one into {@code metric}'s hash of each dimension, by {@code e}'s values. */
  private static void addBy(
      Map<String, Long> counts,
      boolean undivided,
      List<DimensionName> dimensions,
      String metric,
      long minute,
      Event e) {
    if (undivided) {
      add(counts, RedisKeys.counts(metric, RedisKeys.UNDIVIDED, minute), RedisKeys.FIELD_TOTAL);
    }
    for (DimensionName d : dimensions) {
      add(counts, RedisKeys.counts(metric, d.keyPart(), minute), d.fieldOf(e));
    }
  }

  private static void add(Map<String, Long> counts, String key, String field) {
    FunnelResultsHash.increment(counts, key, field);
  }

  private static long minuteOf(long millis) {
    return Math.floorDiv(millis, 60_000L);
  }

  static final class CountFn extends DoFn<Session, Contribution> {
    private final CountedDimensions dimensions;

    CountFn(CountedDimensions dimensions) {
      this.dimensions = dimensions;
    }

    @ProcessElement
    public void process(@Element Session session, OutputReceiver<Contribution> out) {
      boolean closed = session.closed();
      // A session whose start a late event moves before a dimension's live_from is no longer
      // counted by it: this contribution replaces the last, which retracts the dimension's counts.
      // The version grows with every event seen, counted or set aside by the caps
      // (docs/pipeline.md).
      out.output(
          contributionOf(
                  dimensions.countedFor(session.startMillis()),
                  session.userId(),
                  session.startMillis(),
                  session.endMillis(),
                  closed,
                  session.last(),
                  session.events())
              .withVersion(Contribution.versionOf(session.eventsSeen(), closed)));
    }
  }

  static final class CountDimensionFn extends DoFn<Session, Contribution> {
    private final DimensionName dimension;
    private final long liveFromMillis;
    private final Coverage coverage;

    CountDimensionFn(DimensionName dimension, long liveFromMillis, Coverage coverage) {
      this.dimension = dimension;
      this.liveFromMillis = liveFromMillis;
      this.coverage = coverage;
    }

    @ProcessElement
    public void process(@Element Session session, OutputReceiver<Contribution> out) {
      if (!coverage.covers(liveFromMillis, session.startMillis())) {
        return;
      }
      boolean finished = coverage.finished(session.endMillis());
      boolean closed = finished && session.closed();
      boolean last = finished && session.last();
      if (!finished && session.last()) {
        Coverage.OPEN.inc();
      }
      Map<String, Long> counts = new HashMap<>();
      countBy(counts, false, List.of(dimension), session.events());
      out.output(
          new Contribution(
              coverage.namespace(namespaceOf(dimension)),
              session.userId(),
              session.startMillis(),
              session.endMillis(),
              Contribution.versionOf(session.eventsSeen(), closed),
              last,
              counts,
              Map.of(),
              Map.of()));
    }
  }
}
