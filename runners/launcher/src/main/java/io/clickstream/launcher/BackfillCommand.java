package io.clickstream.launcher;

import io.clickstream.core.DimensionName;
import io.clickstream.core.RedisConnections;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.RedisUrls;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelDefinitions;
import io.clickstream.pipeline.BackfillCounts;
import io.clickstream.pipeline.BackfillDimension;
import io.clickstream.pipeline.BackfillFunnel;
import io.clickstream.pipeline.ClickstreamOptions;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.PipelineResult;
import org.joda.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import redis.clients.jedis.JedisPooled;

/**
 * Recomputes a funnel's current version over HBase history, counts by a dimension added later over
 * the history before it, or counts late history into the counts.
 */
@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    header =
        "Recompute a funnel over the event history in HBase, or count history that arrived late.",
    description = {
      "Runs a batch job (HBaseIO bounded read, then the live pipeline's own parsing, sessions and funnel "
          + "evaluation) that counts the funnel's current version over the sessions (or user-scope attempts) "
          + "starting in [--from, --to) and before the version's live_from; the running pipeline counts "
          + "those from live_from on, so the two never overlap.",
      "Sessions (or user-scope episodes) that have not finished, that an event written from now on could still "
          + "join, are counted as in progress. Running the same range again, however long after, changes nothing "
          + "but to bring those up to date. A range that overlaps another range backfilled for the version is "
          + "refused (it would count the overlap twice).",
      "With --counts instead of --funnel, counts the rows that the live pipeline set aside as late (an import of "
          + "last week's events, events held back by an outage) into the event and session counts: each in the "
          + "whole session it belongs to, for the sessions starting in [--from, --to). The live pipeline counts "
          + "every row that was not late, so nothing is counted twice; running it again changes nothing but to "
          + "count late rows written since. The late rows stay in the dead-letter stream, and /api/health reports "
          + "how many a backfill has counted.",
      "With --dimension NAME, counts by a dimension added to the running pipeline's --dimensions after it "
          + "had counted without it: the sessions starting in [--from, --to) and before the dimension's live_from "
          + "(when the pipeline first counted by it, GET /api/dimensions), by that dimension alone. The pipeline "
          + "counts those from live_from on, so the two never overlap; the same rules as --funnel apply to "
          + "sessions not finished and to ranges.",
      "Without --hbase-zk / --redis, uses the running `./analytics demo`'s. Beam options such as "
          + "--runner=FlinkRunner or --runner=StormRunner are passed through."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:the backfill job failed",
      "2:usage error, unknown funnel, or HBase/Redis unreachable"
    })
final class BackfillCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--funnel", paramLabel = "ID", description = "The funnel to backfill.")
  String funnelId;

  @Option(
      names = "--counts",
      description = "Count the late rows into the event counts, instead of a funnel.")
  boolean counts;

  @Option(
      names = "--dimension",
      paramLabel = "NAME",
      description =
          "Count the history before a dimension's live_from by it (source, properties.plan).")
  String dimension;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "ISO",
      description = "Earliest session start to count, ISO-8601 with offset (2024-05-01T00:00:00Z).")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "ISO",
      description = "Session starts before this are counted.")
  String to;

  @Mixin PipelineTarget target;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long fromMillis = instant("--from", from);
    long toMillis = instant("--to", to);
    if (fromMillis >= toMillis) {
      throw new UserError("--from must be before --to");
    }
    if ((counts ? 1 : 0) + (funnelId != null ? 1 : 0) + (dimension != null ? 1 : 0) != 1) {
      throw new UserError(
          "give one of --funnel ID (a funnel's results), --dimension NAME (the counts by a dimension"
              + " added later) or --counts (late rows into the counts)");
    }
    DimensionName byDimension = dimension == null ? null : dimensionName(dimension);
    ClickstreamOptions options = BeamArgs.parse(beamArgs, "backfill");
    target.applyToBackfill(options, beamArgs, err);
    Runners.prepareBackfill(options);
    FunnelDefinition funnel = funnelId == null ? null : currentDefinition(options.getRedisUrl());
    if (byDimension != null) {
      err.printf(
          "Counting by dimension %s: sessions starting in [%s, %s) before its live_from%n",
          byDimension.wireName(), Instant.ofEpochMilli(fromMillis), Instant.ofEpochMilli(toMillis));
    } else if (counts) {
      err.printf(
          "Counting late rows into the counts: sessions starting in [%s, %s)%n",
          Instant.ofEpochMilli(fromMillis), Instant.ofEpochMilli(toMillis));
    } else {
      err.printf(
          "Backfilling funnel %s version %d: starts in [%s, %s) before its live_from %s%n",
          funnel.id(),
          funnel.version(),
          Instant.ofEpochMilli(fromMillis),
          Instant.ofEpochMilli(toMillis),
          Instant.ofEpochMilli(funnel.liveFromMillis()));
    }
    err.flush();
    long began = System.nanoTime();
    PipelineResult job;
    try {
      long now = System.currentTimeMillis();
      job =
          byDimension != null
              ? BackfillDimension.start(options, byDimension, fromMillis, toMillis, now)
              : counts
                  ? BackfillCounts.start(options, fromMillis, toMillis, now)
                  : BackfillFunnel.start(options, funnel, fromMillis, toMillis, now);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    PipelineResult.State state;
    do {
      state = job.waitUntilFinish(Duration.standardSeconds(2));
      long read = BackfillFunnel.eventsRead(job);
      if (state == null || !state.isTerminal()) {
        err.printf(
            "  ... %s events read (%d s)%n",
            read < 0 ? "?" : Long.toString(read), elapsedSeconds(began));
        err.flush();
      }
    } while (state == null || !state.isTerminal());
    if (state != PipelineResult.State.DONE) {
      err.println("error: the backfill job ended " + state);
      return Analytics.EXIT_JOB_FAILED;
    }
    if (byDimension != null) {
      out.printf(
          "Counted by %s in %d s. Counts: /api/counts?by=%s%n",
          byDimension.wireName(), elapsedSeconds(began), byDimension.wireName());
    } else if (counts) {
      long late =
          BackfillCounts.recordLateRowsCounted(options.getRedisUrl(), job, fromMillis, toMillis);
      out.printf(
          "Counted %s late rows into the counts in %d s. Counts: /api/counts%n",
          late < 0 ? "the" : Long.toString(late), elapsedSeconds(began));
    } else {
      out.printf(
          "Backfilled %s version %d in %d s. Results: /api/funnels/%s/results%n",
          funnel.id(), funnel.version(), elapsedSeconds(began), funnel.id());
    }
    long open = BackfillFunnel.resultsOpen(job);
    if (open > 0) {
      out.printf(
          "%d sessions or episodes have not finished (an event written now could still join them) and are "
              + "%s: run this backfill again once they have.%n",
          open, counts ? "left out" : "counted as in progress");
    }
    return Analytics.EXIT_OK;
  }

  private static DimensionName dimensionName(String name) {
    try {
      return DimensionName.parse(name);
    } catch (IllegalArgumentException e) {
      throw new UserError("--dimension: " + e.getMessage());
    }
  }

  private FunnelDefinition currentDefinition(String redis) {
    FunnelDefinitions.checkId(funnelId);
    try (JedisPooled jedis = RedisConnections.pooled(redis)) {
      String json = jedis.hget(RedisKeys.FUNNELS, funnelId);
      if (json == null) {
        throw new UserError(
            "no funnel '"
                + funnelId
                + "' in "
                + RedisUrls.masked(redis)
                + ": define it first (PUT /api/funnels/"
                + funnelId
                + ")");
      }
      return FunnelDefinitions.parse(json, funnelId);
    }
  }

  private static long instant(String option, String value) {
    try {
      return OffsetDateTime.parse(value).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new UserError(
          option
              + ": expected ISO-8601 with an offset, such as 2024-05-01T00:00:00Z, got '"
              + value
              + "'");
    }
  }

  private static long elapsedSeconds(long began) {
    return (System.nanoTime() - began) / 1_000_000_000L;
  }
}
