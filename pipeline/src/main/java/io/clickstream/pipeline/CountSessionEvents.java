package io.clickstream.pipeline;

import io.clickstream.core.DimensionName;
import io.clickstream.core.Dimensions;
import io.clickstream.core.Event;
import io.clickstream.core.RedisKeys;
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
 * conversions by first touch in the minute of the conversion, and the catalog's totals and first
 * and last seen.
 */
public class CountSessionEvents
    extends PTransform<PCollection<Session>, PCollection<Contribution>> {

  private final Dimensions dimensions;

  /**
   * @param dimensions the dimensions to count by ({@code --dimensions})
   */
  public CountSessionEvents(Dimensions dimensions) {
    this.dimensions = dimensions;
  }

  @Override
  public PCollection<Contribution> expand(PCollection<Session> sessions) {
    return sessions
        .apply("CountEventsPerSession", ParDo.of(new CountFn(dimensions)))
        .setCoder(ContributionCoder.of());
  }

  /**
   * The contribution of one session's events (distinct, in session order) to the event counts by
   * {@code dimensions}.
   */
  public static Contribution contributionOf(
      Dimensions dimensions,
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
    Event firstTouch = session.get(0);
    addByDimensions(
        counts,
        dimensions,
        RedisKeys.METRIC_SESSIONS,
        minuteOf(firstTouch.timestampMillis()),
        firstTouch);
    for (Event e : session) {
      long minute = minuteOf(e.timestampMillis());
      String metric = RedisKeys.eventMetric(e.name());
      addByDimensions(counts, dimensions, metric, minute, e);
      add(counts, RedisKeys.CATALOG_TOTAL, e.name());
      firstSeen.merge(e.name(), e.timestampMillis(), Math::min);
      lastSeen.merge(e.name(), e.timestampMillis(), Math::max);
      if (e.conversion() != null) {
        addByDimensions(
            counts, dimensions, RedisKeys.conversionMetric(e.conversion()), minute, firstTouch);
      }
    }
    return new Contribution(
        RedisKeys.NAMESPACE_EVENTS, userId, start, end, version, last, counts, firstSeen, lastSeen);
  }

  /**
   * Counts one into {@code metric}'s undivided hash and into each dimension's, by {@code e}'s
   * values.
   */
  private static void addByDimensions(
      Map<String, Long> counts, Dimensions dimensions, String metric, long minute, Event e) {
    add(counts, RedisKeys.counts(metric, RedisKeys.UNDIVIDED, minute), RedisKeys.FIELD_TOTAL);
    for (DimensionName d : dimensions.names()) {
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
    private final Dimensions dimensions;

    CountFn(Dimensions dimensions) {
      this.dimensions = dimensions;
    }

    @ProcessElement
    public void process(@Element Session session, OutputReceiver<Contribution> out) {
      boolean closed = session.closed();
      // The version grows with every event seen, counted or set aside by the caps
      // (docs/pipeline.md).
      out.output(
          contributionOf(
                  dimensions,
                  session.userId(),
                  session.startMillis(),
                  session.endMillis(),
                  closed,
                  session.last(),
                  session.events())
              .withVersion(Contribution.versionOf(session.eventsSeen(), closed)));
    }
  }
}
