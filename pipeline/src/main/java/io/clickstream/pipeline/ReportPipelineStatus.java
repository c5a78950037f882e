package io.clickstream.pipeline;

import io.clickstream.core.Event;
import io.clickstream.core.RedisConnections;
import io.clickstream.core.RedisKeys;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VoidCoder;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import redis.clients.jedis.JedisPooled;

/**
 * Publishes the pipeline's event-time watermark and a heartbeat to {@link
 * RedisKeys#PIPELINE_STATUS} for /api/health.
 *
 * <p>A DoFn cannot read the watermark, but an event-time timer set for T fires only once the
 * watermark has passed T. A single looping timer, one second at a time, therefore tracks the
 * watermark of its input from below. That input carries no elements of the event stream, only its
 * watermark: the events are filtered to nothing and flattened with one impulse that starts the
 * loop.
 */
public class ReportPipelineStatus extends PTransform<PCollection<Event>, PDone> {

  private static final Duration STEP = Duration.standardSeconds(1);

  private final String redisUrl;
  private final String runner;

  public ReportPipelineStatus(String redisUrl, String runner) {
    this.redisUrl = redisUrl;
    this.runner = runner;
  }

  @Override
  public PDone expand(PCollection<Event> events) {
    PCollection<KV<String, String>> start =
        events
            .getPipeline()
            .apply("Impulse", Impulse.create())
            .apply(
                "StartTracking",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                    .via(impulse -> KV.of("status", "start")))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    PCollection<KV<String, String>> watermarkOnly =
        events
            .apply("KeepOnlyTheWatermark", Filter.by(e -> false))
            .apply(
                "AsStatusKey",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                    .via(e -> KV.of("status", e.eventId())))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    PCollectionList.of(start)
        .and(watermarkOnly)
        .apply("WithEventWatermark", Flatten.pCollections())
        .apply("TrackWatermark", ParDo.of(new TrackWatermarkFn(redisUrl, runner)))
        .setCoder(VoidCoder.of());
    return PDone.in(events.getPipeline());
  }

  static final class TrackWatermarkFn extends DoFn<KV<String, String>, Void> {
    private final String redisUrl;
    private final String runner;
    private transient JedisPooled redis;

    @TimerId("watermark")
    private final TimerSpec watermarkSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

    @TimerId("heartbeat")
    private final TimerSpec heartbeatSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    TrackWatermarkFn(String redisUrl, String runner) {
      this.redisUrl = redisUrl;
      this.runner = runner;
    }

    @Setup
    public void setup() {
      redis = RedisConnections.pooled(redisUrl);
    }

    @Teardown
    public void teardown() {
      if (redis != null) {
        redis.close();
      }
    }

    @ProcessElement
    public void start(
        @TimerId("watermark") Timer watermark, @TimerId("heartbeat") Timer heartbeat) {
      // The first watermark worth reporting is about now; history before it is replayed quickly.
      watermark.set(Instant.now().minus(Duration.standardMinutes(1)));
      heartbeat.offset(STEP).setRelative();
      report(
          Map.of(
              RedisKeys.STATUS_RUNNER,
              runner,
              RedisKeys.STATUS_HEARTBEAT_MS,
              Long.toString(System.currentTimeMillis())));
    }

    @OnTimer("watermark")
    public void watermarkPassed(OnTimerContext context, @TimerId("watermark") Timer watermark) {
      Instant passed = context.timestamp();
      if (passed.isAfter(Instant.now().plus(Duration.standardDays(1)))) {
        return; // The input has ended (its watermark went to infinity); there is nothing left to
        // track.
      }
      report(Map.of(RedisKeys.STATUS_WATERMARK_MS, Long.toString(passed.getMillis())));
      watermark.set(passed.plus(STEP));
    }

    @OnTimer("heartbeat")
    public void heartbeat(@TimerId("heartbeat") Timer heartbeat) {
      report(Map.of(RedisKeys.STATUS_HEARTBEAT_MS, Long.toString(System.currentTimeMillis())));
      heartbeat.offset(STEP).setRelative();
    }

    /**
     * Skipped while Redis is away ({@link RedisRetry#orSkip}): the next report comes a step later,
     * and the API says the pipeline is stalled meanwhile, which it then is.
     */
    private void report(Map<String, String> fields) {
      RedisRetry.orSkip(
          redisUrl,
          "reporting the pipeline's status",
          () -> redis.hset(RedisKeys.PIPELINE_STATUS, fields));
    }
  }
}
