package io.clickstream.pipeline;

import io.clickstream.core.Event;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.pipeline.io.EventRow;
import io.clickstream.pipeline.io.ReadEventHistoryFromHBase;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.PipelineResult;
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

  private final PTransform<PBegin, PCollection<EventRow>> source;
  private final PTransform<PCollection<SessionContribution>, PDone> sink;
  private final SessionSettings settings;

  public BackfillFunnel(PTransform<PBegin, PCollection<EventRow>> source,
      PTransform<PCollection<SessionContribution>, PDone> sink, SessionSettings settings) {
    this.source = source;
    this.sink = sink;
    this.settings = settings;
  }

  public void buildInto(Pipeline pipeline, FunnelDefinition funnel, long fromMillis, long toMillis) {
    PCollection<Event> events = pipeline
        .apply("ReadHistory", source)
        .apply("ParseEvents", new ParseEvents(settings))
        .get(ParseEvents.EVENTS);
    PCollection<SessionContribution> contributions = funnel.scope() == FunnelDefinition.Scope.SESSION
        ? events
            .apply("SessionizeEvents", new SessionizeEvents(settings))
            .apply("ComputeFunnelContributions", ComputeSessionContributions.backfill(funnel, fromMillis, toMillis))
        : events.apply("ComputeUserFunnelContributions",
            ComputeUserFunnelContributions.backfill(funnel, fromMillis, toMillis, settings));
    contributions.apply("WriteContributions", sink);
  }

  /** Starts the backfill as a batch job against the HBase and Redis named in the options. */
  public static PipelineResult start(ClickstreamOptions options, FunnelDefinition funnel, long fromMillis,
      long toMillis) {
    options.setStreaming(false);
    options.as(DirectOptions.class).setBlockOnRun(false);
    Pipeline pipeline = Pipeline.create(options);
    new BackfillFunnel(ReadEventHistoryFromHBase.from(options.getHbaseZk()),
        new WriteSessionContributions(options.getRedisUrl()), SessionSettings.from(options))
        .buildInto(pipeline, funnel, fromMillis, toMillis);
    return pipeline.run();
  }

  /** Events parsed so far by a running backfill, for progress reports (-1 when the runner cannot say). */
  public static long eventsRead(PipelineResult result) {
    try {
      MetricQueryResults metrics = result.metrics().queryMetrics(MetricsFilter.builder()
          .addNameFilter(MetricNameFilter.named(ParseEvents.class, ParseEvents.EVENTS_PARSED)).build());
      long read = 0;
      for (MetricResult<Long> counter : metrics.getCounters()) {
        read += counter.getAttempted();
      }
      return read;
    } catch (UnsupportedOperationException e) {
      return -1;
    }
  }
}
