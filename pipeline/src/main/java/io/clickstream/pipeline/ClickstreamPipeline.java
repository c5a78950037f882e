package io.clickstream.pipeline;

import io.clickstream.core.Event;
import io.clickstream.pipeline.io.EventRow;
import io.clickstream.pipeline.io.ReadEventsFromHBase;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PDone;
import org.joda.time.Duration;

/**
 * The Clickstream job: events from a source, sessionized and counted, into sinks. It takes its
 * source and sinks as arguments so tests can run it against bounded rows; {@link #run} wires the
 * real ones.
 */
public final class ClickstreamPipeline {

  /** Where the job's results go. */
  public record Sinks(
      PTransform<PCollection<Contribution>, PDone> contributions,
      PTransform<PCollection<DeadLetter>, PDone> deadLetters,
      PTransform<PCollection<Event>, PDone> status) {

    public static Sinks redis(ClickstreamOptions options) {
      String redisUrl = options.getRedisUrl();
      return new Sinks(
          WriteSessionContributions.to(options),
          new WriteDeadLetters(redisUrl),
          new ReportPipelineStatus(redisUrl, options.getRunner().getSimpleName()));
    }
  }

  private final PTransform<PBegin, PCollection<EventRow>> source;
  private final FunnelCatalog funnels;
  private final Sinks sinks;
  private final EventTimeRules settings;
  private final CountedDimensions dimensions;
  private final UserHistory history;

  /**
   * @param dimensions the dimensions the event counts are kept by, each from its live_from
   * @param history users' earlier events, for user-scope funnels whose windows reach past the kept
   *     state
   */
  public ClickstreamPipeline(
      PTransform<PBegin, PCollection<EventRow>> source,
      FunnelCatalog funnels,
      Sinks sinks,
      EventTimeRules settings,
      CountedDimensions dimensions,
      UserHistory history) {
    this.source = source;
    this.funnels = funnels;
    this.sinks = sinks;
    this.settings = settings;
    this.dimensions = dimensions;
    this.history = history;
  }

  public void buildInto(Pipeline pipeline) {
    PCollectionTuple parsed =
        pipeline.apply("ReadEvents", source).apply("ParseEvents", new ParseEvents(settings));
    PCollection<Event> events = parsed.get(ParseEvents.EVENTS);
    PCollectionTuple sessions = events.apply("SessionizeEvents", new SessionizeEvents(settings));
    PCollection<Session> firings = sessions.get(SessionizeEvents.SESSIONS);
    PCollectionList.of(firings.apply("CountSessionEvents", CountSessionEvents.live(dimensions)))
        .and(
            firings.apply(
                "ComputeSessionFunnelContributions",
                ComputeSessionFunnelContributions.live(funnels)))
        .apply("AllSessionContributions", Flatten.pCollections())
        .apply("WriteSessionContributions", sinks.contributions());
    events
        .apply(
            "ComputeUserFunnelContributions",
            ComputeUserFunnelContributions.live(funnels, settings, history))
        .apply("WriteUserFunnelContributions", sinks.contributions());
    PCollectionList.of(parsed.get(ParseEvents.DEAD_LETTERS))
        .and(sessions.get(SessionizeEvents.CAPPED))
        .apply("AllDeadLetters", Flatten.pCollections())
        .apply("WriteDeadLetters", sinks.deadLetters());
    events.apply("ReportStatus", sinks.status());
  }

  /**
   * Starts the streaming job against the HBase and Redis named in the options, on the runner they
   * name, prepared by the caller: whether {@code run} returns at once is the runner's setting (the
   * launcher's {@code Runners} makes it so, docs/runners.md).
   */
  public static PipelineResult run(ClickstreamOptions options) {
    options.setStreaming(true);
    EventTimeRules settings = EventTimeRules.from(options);
    Sinks sinks =
        Sinks.redis(options); // checks the caps on values and names, so a bad one is never recorded
    CountedDimensions dimensions =
        RecordedSettings.record(
            options, EventTimeRules.dimensionsFrom(options), System.currentTimeMillis());
    ReadEventsFromHBase source =
        ReadEventsFromHBase.following(options)
            .withPollInterval(Duration.millis(options.getPollIntervalMillis()))
            .withReadOverlap(EventTimeRules.isoDuration("readOverlap", options.getReadOverlap()))
            .withOutOfOrderness(settings.outOfOrderness())
            .startingAt(options.getReadFromMillis())
            .persistingPositionIn(
                new RedisReadPositions(options.getRedisUrl()),
                EventTimeRules.isoDuration("replayOnRestart", options.getReplayOnRestart()));
    Pipeline pipeline = Pipeline.create(options);
    new ClickstreamPipeline(
            source,
            new RedisFunnelCatalog(options.getRedisUrl()),
            sinks,
            settings,
            dimensions,
            new HBaseUserHistory(options.getHbaseZk(), settings, System.currentTimeMillis()))
        .buildInto(pipeline);
    return pipeline.run();
  }
}
