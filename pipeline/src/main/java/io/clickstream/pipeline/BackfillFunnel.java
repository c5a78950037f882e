package io.clickstream.pipeline;

import io.clickstream.core.Event;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.pipeline.io.EventRow;
import io.clickstream.pipeline.io.ReadEventHistoryFromHBase;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Recomputes one funnel version over HBase history with a bounded read, through the same parsing,
 * sessions and contributions as the live job. It covers the sessions starting in {@code [from, to)}
 * and before the version's {@code live_from}; the live job covers those from {@code live_from} on.
 * Each session is therefore counted by exactly one of the two (docs/funnels.md, "Backfill").
 */
public final class BackfillFunnel {

  /**
   * The Beam counter of sessions or episodes a backfill left open because they have not finished.
   */
  public static final String RESULTS_OPEN = "results_open";

  private final PTransform<PBegin, PCollection<EventRow>> source;
  private final PTransform<PCollection<Contribution>, PDone> sink;
  private final EventTimeRules settings;

  public BackfillFunnel(
      PTransform<PBegin, PCollection<EventRow>> source,
      PTransform<PCollection<Contribution>, PDone> sink,
      EventTimeRules settings) {
    this.source = source;
    this.sink = sink;
    this.settings = settings;
  }

  /**
   * @param finishedBy sessions and episodes ending after this are counted as open (see {@link
   *     #finishedBy})
   */
  public void buildInto(
      Pipeline pipeline, FunnelDefinition funnel, long fromMillis, long toMillis, long finishedBy) {
    PCollection<Event> events =
        pipeline
            .apply("ReadHistory", source)
            .apply("ParseEvents", new ParseEvents(settings))
            .get(ParseEvents.EVENTS);
    PCollection<Contribution> contributions =
        funnel.scope() == FunnelDefinition.Scope.SESSION
            ? events
                .apply("SessionizeEvents", new SessionizeEvents(settings))
                // What the caps set aside the live pipeline dead-lettered already.
                .get(SessionizeEvents.SESSIONS)
                .apply(
                    "ComputeFunnelContributions",
                    ComputeSessionFunnelContributions.backfill(
                        funnel, fromMillis, toMillis, finishedBy))
            : events.apply(
                "ComputeUserFunnelContributions",
                ComputeUserFunnelContributions.backfill(
                    funnel, fromMillis, toMillis, finishedBy, settings));
    contributions.apply("WriteContributions", sink);
  }

  /**
   * The latest end of a session or episode that no row written from {@code nowMillis} on can join:
   * an event joins one only if its time is before the end, and a row written from now on with such
   * an event time is further behind its write time than the out-of-orderness and the allowed
   * lateness, so parsing sets it aside as late, in the backfill as in the live job.
   */
  public static long finishedBy(EventTimeRules settings, long nowMillis) {
    return nowMillis
        - settings.outOfOrderness().getMillis()
        - settings.allowedLateness().getMillis();
  }

  /**
   * Starts the backfill as a batch job against the HBase and Redis named in the options, on the
   * runner they name, prepared by the caller ({@link ClickstreamPipeline#run}).
   *
   * @param nowMillis the time it runs, which says which sessions have finished ({@link
   *     #finishedBy})
   * @throws IllegalArgumentException when the range overlaps another one backfilled for the version
   */
  public static PipelineResult start(
      ClickstreamOptions options,
      FunnelDefinition funnel,
      long fromMillis,
      long toMillis,
      long nowMillis) {
    options.setStreaming(false);
    BackfilledRanges.claim(options.getRedisUrl(), funnel, fromMillis, toMillis);
    EventTimeRules settings = EventTimeRules.from(options);
    Pipeline pipeline = Pipeline.create(options);
    new BackfillFunnel(
            ReadEventHistoryFromHBase.from(options.getHbaseZk()),
            WriteSessionContributions.to(options),
            settings)
        .buildInto(pipeline, funnel, fromMillis, toMillis, finishedBy(settings, nowMillis));
    return pipeline.run();
  }

  /**
   * Events parsed so far by a running backfill, for progress reports (-1 when the runner cannot
   * say).
   */
  public static long eventsRead(PipelineResult result) {
    return counter(result, MetricNameFilter.named(ParseEvents.class, ParseEvents.EVENTS_PARSED));
  }

  /** Sessions or episodes a finished backfill left open (-1 when the runner cannot say). */
  public static long resultsOpen(PipelineResult result) {
    return counter(result, MetricNameFilter.named(BackfillFunnel.class, RESULTS_OPEN));
  }

  static long counter(PipelineResult result, MetricNameFilter name) {
    try {
      MetricQueryResults metrics =
          result.metrics().queryMetrics(MetricsFilter.builder().addNameFilter(name).build());
      long total = 0;
      for (MetricResult<Long> counter : metrics.getCounters()) {
        total += counter.getAttempted();
      }
      return total;
    } catch (UnsupportedOperationException e) {
      return -1;
    }
  }
}
