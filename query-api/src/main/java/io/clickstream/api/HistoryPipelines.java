package io.clickstream.api;

import io.clickstream.core.SaturatingTime;
import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.EventTimeRules;
import io.clickstream.pipeline.JobsBeingRun;
import io.clickstream.pipeline.RecordedSettings;
import io.clickstream.pipeline.io.EventRow;
import io.clickstream.pipeline.io.EventRowCoder;
import io.clickstream.pipeline.io.ReadEventHistoryFromHBase;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.joda.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the bounded Beam pipelines of the history queries over the events table, with the live
 * pipeline's event-time rules (recorded in Redis) and the pipeline's own transforms, on the Direct
 * runner or the runner the API was started with ({@link ApiConfig#beamArgs}). A pipeline's answer
 * is a small map of counts, handed back through this JVM ({@link CollectCounts}): the runner must
 * run in the API's JVM (Direct, or Flink's embedded {@code [local]}).
 */
final class HistoryPipelines {

  private static final Logger LOG = LoggerFactory.getLogger(HistoryPipelines.class);

  /**
   * The earliest event time an answer depends on, under the live pipeline's rules: what a pipeline
   * must read events from ({@link #run}).
   */
  interface Reach {
    long eventsFrom(EventTimeRules rules);

    /** Every event: an answer that may depend on any of the history. */
    Reach ALL = rules -> Long.MIN_VALUE;

    /**
     * The sessions starting in a range from {@code fromMillis}: a session is a chain of events each
     * less than the gap after the one before, so the events from one gap before {@code fromMillis}
     * decide exactly which sessions start there and what they hold (docs/notebook.md, "What a
     * history job reads").
     */
    static Reach sessionsFrom(long fromMillis) {
      return rules -> SaturatingTime.plus(fromMillis, -rules.sessionGap().getMillis());
    }
  }

  /** How a history pipeline is built: from the rows read and the rules, to counts collected. */
  interface Build {
    void into(
        Pipeline pipeline,
        PTransform<PBegin, PCollection<EventRow>> rows,
        EventTimeRules rules,
        PTransform<PCollection<KV<String, Long>>, PDone> collect);
  }

  private static final String ROWS_READ = "history_rows_read";

  /** The counts of the pipelines running, by run id, until their runs hand them back. */
  private static final Map<String, Map<String, Long>> COLLECTED = new ConcurrentHashMap<>();

  private static final long POLL_MILLIS = 200;

  /** The most {@code progress.fraction} says before the job is done. */
  static final double MOST_BEFORE_DONE = 0.99;

  private final EventScans scans;
  private final String hbaseZk;
  private final String redisUrl;
  private final List<String> beamArgs;
  private final long maxRows;

  HistoryPipelines(
      EventScans scans, String hbaseZk, String redisUrl, List<String> beamArgs, long maxRows) {
    this.scans = scans;
    this.hbaseZk = hbaseZk;
    this.redisUrl = redisUrl;
    this.beamArgs = beamArgs;
    this.maxRows = maxRows;
  }

  /** The live pipeline's event-time rules, as recorded in Redis; the defaults before it ran. */
  EventTimeRules rules() {
    return EventTimeRules.from(options());
  }

  private ClickstreamOptions options() {
    ClickstreamOptions options =
        PipelineOptionsFactory.fromArgs(beamArgs.toArray(String[]::new))
            .withoutStrictParsing()
            .as(ClickstreamOptions.class);
    options.setHbaseZk(hbaseZk);
    options.setRedisUrl(redisUrl);
    options.setStreaming(false);
    RecordedSettings.adopt(options, Map.of());
    // Polled below for progress, the cap on rows and cancelling, instead of blocking in run().
    options.as(DirectOptions.class).setBlockOnRun(false);
    return options;
  }

  /**
   * The first write time of a row whose event may be at or after {@code eventsFrom}: an event
   * further ahead of its write time than {@link EventTimeRules#MAX_FUTURE} is refused as a clock
   * error by every reader ({@code ParseEvents}), so no counted event is written earlier.
   */
  static long writtenSince(long eventsFrom) {
    return SaturatingTime.plus(eventsFrom, -EventTimeRules.MAX_FUTURE.getMillis());
  }

  /**
   * Runs the pipeline {@code build} makes over the rows whose events {@code reach} needs, and
   * answers the counts it collected; fails with a 400 naming {@code from} when there are more than
   * the cap on rows to read, and stops when the job is cancelled. The rows to read are counted
   * first (a key-only scan of the same time range): the count is checked against the cap before the
   * pipeline starts, and the progress is the rows read over it.
   */
  Map<String, Long> run(HistoryJobs.Progress progress, Reach reach, Build build) {
    if (hbaseZk == null) {
      throw new BadRequest("kind", "this server reads no HBase: history queries are unavailable");
    }
    ClickstreamOptions options = options();
    EventTimeRules rules = EventTimeRules.from(options);
    long since = writtenSince(reach.eventsFrom(rules));
    long toRead = scans.rowsWrittenSince(since, progress);
    String runId = UUID.randomUUID().toString();
    Map<String, Long> collected = new ConcurrentHashMap<>();
    COLLECTED.put(runId, collected);
    try {
      Pipeline pipeline = Pipeline.create(options);
      build.into(pipeline, new ReadCountedRows(hbaseZk, since), rules, new CollectCounts(runId));
      PipelineResult result = runCancellable(pipeline, progress);
      progress.onCancel(() -> cancel(result));
      PipelineResult.State state = null;
      while (state == null || !state.isTerminal()) {
        state = result.waitUntilFinish(Duration.millis(POLL_MILLIS));
        long rows = rowsRead(result);
        progress.rowsRead(rows);
        // Below 1 until the job is done: what follows the read (sessions, counts) takes time too.
        progress.fraction(toRead == 0 ? 0 : Math.min(MOST_BEFORE_DONE, (double) rows / toRead));
        if (rows > maxRows) {
          cancel(result);
          throw tooManyRows(maxRows);
        }
        progress.checkCancelled();
      }
      if (state != PipelineResult.State.DONE) {
        progress.checkCancelled();
        throw new IllegalStateException("the history pipeline ended " + state);
      }
      return Map.copyOf(collected);
    } finally {
      COLLECTED.remove(runId);
    }
  }

  /**
   * {@code pipeline.run()}, on a thread of its own. A runner whose {@code run()} returns at once
   * (Direct, Storm) gives a result to follow. One whose {@code run()} blocks until the job ends
   * (Flink, attached) reports how to cancel the job under that thread ({@link JobsBeingRun}): a
   * cancel stops it meanwhile, but its rows read are known only when it ends.
   */
  private static PipelineResult runCancellable(Pipeline pipeline, HistoryJobs.Progress progress) {
    CompletableFuture<PipelineResult> run = new CompletableFuture<>();
    Thread runner =
        new Thread(
            () -> {
              try {
                run.complete(pipeline.run());
              } catch (Throwable e) {
                run.completeExceptionally(e);
              } finally {
                JobsBeingRun.ended(); // should the runner not have taken its job back
              }
            },
            "history-pipeline-run");
    runner.setDaemon(true);
    runner.start();
    Runnable cancel = () -> JobsBeingRun.cancelOf(runner).ifPresent(Runnable::run);
    progress.onCancel(cancel);
    while (!run.isDone()) {
      if (progress.cancelled()) {
        cancel.run(); // again: it may have been cancelled before its job was submitted
      }
      try {
        run.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException stillRunningOrEnded) {
        // the loop's condition tells which
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cancel.run();
        throw new CancellationException("interrupted");
      }
    }
    try {
      return run.join();
    } catch (CompletionException e) {
      progress.checkCancelled(); // a cancelled job's run() fails
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  /** The refusal of a job that read more rows than the server lets one read. */
  static BadRequest tooManyRows(long maxRows) {
    return new BadRequest(
        "from",
        "the events table holds more than "
            + QueryParams.thousands(maxRows)
            + " rows, the most one history job reads (the server's limit); ask the live kinds,"
            + " or a server with a higher limit");
  }

  private static void cancel(PipelineResult result) {
    try {
      result.cancel();
    } catch (Exception e) {
      // The runner cannot stop it: it runs to its end, and its job stays cancelled.
      LOG.warn("could not cancel a history pipeline: {}", e.toString());
    }
  }

  private static long rowsRead(PipelineResult result) {
    long total = 0;
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(HistoryPipelines.class, ROWS_READ))
                    .build())
            .getCounters()) {
      total += counter.getAttempted();
    }
    return total;
  }

  /**
   * The events table's rows first written from {@code since} on, as a backfill reads them, counted
   * as they are read.
   */
  private static final class ReadCountedRows extends PTransform<PBegin, PCollection<EventRow>> {
    private final String hbaseZk;
    private final long since;

    ReadCountedRows(String hbaseZk, long since) {
      this.hbaseZk = hbaseZk;
      this.since = since;
    }

    @Override
    public PCollection<EventRow> expand(PBegin input) {
      return input
          .apply("ReadHistory", ReadEventHistoryFromHBase.from(hbaseZk).writtenSince(since))
          .apply("CountRowsRead", ParDo.of(new CountFn()))
          .setCoder(EventRowCoder.of());
    }
  }

  private static final class CountFn extends DoFn<EventRow, EventRow> {
    private final Counter rows = Metrics.counter(HistoryPipelines.class, ROWS_READ);

    @ProcessElement
    public void process(@Element EventRow row, OutputReceiver<EventRow> out) {
      rows.inc();
      out.output(row);
    }
  }

  /** Hands a pipeline's counts back to the run that waits for them, summed per key. */
  private static final class CollectCounts
      extends PTransform<PCollection<KV<String, Long>>, PDone> {
    private final String runId;

    CollectCounts(String runId) {
      this.runId = runId;
    }

    @Override
    public PDone expand(PCollection<KV<String, Long>> counts) {
      counts.apply("HandBackCounts", ParDo.of(new CollectFn(runId)));
      return PDone.in(counts.getPipeline());
    }
  }

  private static final class CollectFn extends DoFn<KV<String, Long>, Void> {
    private final String runId;

    CollectFn(String runId) {
      this.runId = runId;
    }

    @ProcessElement
    public void process(@Element KV<String, Long> count) {
      Map<String, Long> collected = COLLECTED.get(runId);
      if (collected != null) {
        collected.merge(count.getKey(), count.getValue(), Long::sum);
      }
    }
  }
}
