package io.clickstream.pipeline;

import io.clickstream.core.DimensionName;
import io.clickstream.core.RedisKeys;
import io.clickstream.pipeline.io.EventRow;
import io.clickstream.pipeline.io.ReadEventHistoryFromHBase;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Counts by one dimension over HBase history, for a dimension added to {@code --dimensions} after
 * the live pipeline had counted without it: the sessions starting in {@code [from, to)} and before
 * the dimension's {@code live_from}, by that dimension alone (the undivided counts and the other
 * dimensions have them already), through the live job's own parsing and sessions. The live job
 * counts the sessions from {@code live_from} on, so each session is counted by it once
 * (docs/pipeline.md, "A dimension added later").
 */
public final class BackfillDimension {

  private final PTransform<PBegin, PCollection<EventRow>> source;
  private final PTransform<PCollection<Contribution>, PDone> sink;
  private final EventTimeRules settings;

  public BackfillDimension(
      PTransform<PBegin, PCollection<EventRow>> source,
      PTransform<PCollection<Contribution>, PDone> sink,
      EventTimeRules settings) {
    this.source = source;
    this.sink = sink;
    this.settings = settings;
  }

  /**
   * @param liveFromMillis the dimension's live_from, where the live job took over
   * @param finishedBy sessions ending after this are counted as open ({@link
   *     BackfillFunnel#finishedBy})
   */
  public void buildInto(
      Pipeline pipeline,
      DimensionName dimension,
      long liveFromMillis,
      long fromMillis,
      long toMillis,
      long finishedBy) {
    pipeline
        .apply("ReadHistory", source)
        .apply("ParseEvents", new ParseEvents(settings))
        .get(ParseEvents.EVENTS)
        .apply("SessionizeEvents", new SessionizeEvents(settings))
        // What the caps set aside the live pipeline dead-lettered already.
        .get(SessionizeEvents.SESSIONS)
        .apply(
            "CountSessionEvents",
            CountSessionEvents.backfill(
                dimension, liveFromMillis, fromMillis, toMillis, finishedBy))
        .apply("WriteContributions", sink);
  }

  /**
   * Starts the backfill as a batch job against the HBase and Redis named in the options, on the
   * runner they name, prepared by the caller ({@link ClickstreamPipeline#run}).
   *
   * @param nowMillis the time it runs, which says which sessions have finished
   * @throws IllegalArgumentException when no live pipeline has counted by the dimension, or the
   *     range overlaps another one backfilled for it
   */
  public static PipelineResult start(
      ClickstreamOptions options,
      DimensionName dimension,
      long fromMillis,
      long toMillis,
      long nowMillis) {
    options.setStreaming(false);
    long liveFrom =
        RecordedSettings.recordedLiveFrom(options.getRedisUrl(), dimension)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no live pipeline has counted by "
                            + dimension.wireName()
                            + " (it is not in "
                            + RedisKeys.DIMENSIONS
                            + "): add it to --dimensions of the running pipeline first; the"
                            + " backfill counts the sessions before it started counting by it"));
    EventTimeRules settings = EventTimeRules.from(options);
    WriteSessionContributions sink = WriteSessionContributions.to(options);
    BackfilledRanges.claim(
        options.getRedisUrl(),
        RedisKeys.dimensionBackfills(dimension.wireName()),
        "dimension " + dimension.wireName(),
        fromMillis,
        toMillis,
        Long.toString(nowMillis));
    Pipeline pipeline = Pipeline.create(options);
    new BackfillDimension(ReadEventHistoryFromHBase.from(options.getHbaseZk()), sink, settings)
        .buildInto(
            pipeline,
            dimension,
            liveFrom,
            fromMillis,
            toMillis,
            BackfillFunnel.finishedBy(settings, nowMillis));
    return pipeline.run();
  }
}
