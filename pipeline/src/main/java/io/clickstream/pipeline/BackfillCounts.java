package io.clickstream.pipeline;

import io.clickstream.core.RedisConnections;
import io.clickstream.core.RedisKeys;
import io.clickstream.pipeline.io.EventRow;
import io.clickstream.pipeline.io.ReadEventHistoryFromHBase;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import redis.clients.jedis.JedisPooled;

/**
 * Counts history that arrived later than the allowed lateness (an import from another tool, events
 * held back by an outage) into the event counts, for the sessions starting in {@code [from, to)}: a
 * bounded read of HBase through the live job's own parsing and sessions ({@link CountLateHistory}).
 *
 * <p>The hand-over with the live job is by row: the live job counts every row that was not late
 * when written, this every late one, in the whole session it belongs to. Together they count each
 * session starting in the range with all its rows, once.
 */
public final class BackfillCounts {

  private final PTransform<PBegin, PCollection<EventRow>> source;
  private final PTransform<PCollection<Contribution>, PDone> sink;
  private final EventTimeRules settings;
  private final CountedDimensions dimensions;

  /**
   * @param dimensions the dimensions to count by: the live pipeline's, as it recorded them, each
   *     with its live_from
   */
  public BackfillCounts(
      PTransform<PBegin, PCollection<EventRow>> source,
      PTransform<PCollection<Contribution>, PDone> sink,
      EventTimeRules settings,
      CountedDimensions dimensions) {
    this.source = source;
    this.sink = sink;
    this.settings = settings;
    this.dimensions = dimensions;
  }

  /**
   * @param finishedBy sessions ending after this are left for a later run ({@link
   *     BackfillFunnel#finishedBy})
   */
  public void buildInto(Pipeline pipeline, long fromMillis, long toMillis, long finishedBy) {
    pipeline
        .apply("ReadHistory", source)
        .apply("ParseEvents", new ParseEvents(settings))
        .apply(
            "CountLateHistory",
            new CountLateHistory(settings, dimensions, fromMillis, toMillis, finishedBy))
        .apply("WriteContributions", sink);
  }

  /**
   * Starts the backfill as a batch job against the HBase and Redis named in the options, on the
   * runner they name, prepared by the caller ({@link ClickstreamPipeline#run}). Once it is done,
   * {@link #recordLateRowsCounted} reports what it counted.
   *
   * @param nowMillis the time it runs, which says which sessions have finished
   * @throws IllegalArgumentException when the range overlaps another one backfilled for the counts
   */
  public static PipelineResult start(
      ClickstreamOptions options, long fromMillis, long toMillis, long nowMillis) {
    options.setStreaming(false);
    EventTimeRules settings = EventTimeRules.from(options);
    CountedDimensions dimensions = // checked before the range is claimed
        RecordedSettings.counted(options.getRedisUrl(), EventTimeRules.dimensionsFrom(options));
    WriteSessionContributions sink =
        WriteSessionContributions.to(options); // so is the cap on values
    BackfilledRanges.claim(
        options.getRedisUrl(), RedisKeys.LATE_BACKFILLS, "the counts", fromMillis, toMillis, "0");
    Pipeline pipeline = Pipeline.create(options);
    new BackfillCounts(
            ReadEventHistoryFromHBase.from(options.getHbaseZk()), sink, settings, dimensions)
        .buildInto(pipeline, fromMillis, toMillis, BackfillFunnel.finishedBy(settings, nowMillis));
    return pipeline.run();
  }

  /**
   * Records, for the range of a finished job, how many late rows it counted: they stay in the
   * dead-letter stream (a log), and {@code /api/health} reports them as counted.
   *
   * @return the late rows counted (-1 when the runner cannot say, and nothing is recorded)
   */
  public static long recordLateRowsCounted(
      String redisUrl, PipelineResult done, long fromMillis, long toMillis) {
    long counted =
        BackfillFunnel.counter(
            done, MetricNameFilter.named(BackfillCounts.class, CountLateHistory.LATE_ROWS_COUNTED));
    if (counted >= 0) {
      try (JedisPooled redis = RedisConnections.pooled(redisUrl)) {
        redis.hset(
            RedisKeys.LATE_BACKFILLS,
            BackfilledRanges.field(fromMillis, toMillis),
            Long.toString(counted));
      }
    }
    return counted;
  }
}
