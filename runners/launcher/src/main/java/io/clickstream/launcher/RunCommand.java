package io.clickstream.launcher;

import io.clickstream.core.RedisConnections;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.RedisUrls;
import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.ClickstreamPipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

/** The streaming pipeline alone, against an existing HBase and Redis, on any Beam runner. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    header = "Run the streaming pipeline alone against an existing HBase and Redis.",
    description = {
      "Starts the pipeline and keeps it running until Ctrl-C or `./analytics stop`; every 10 s it prints "
          + "the watermark. Beam options pass straight through: --runner=FlinkRunner (default) "
          + "with --flinkMaster=[local] (embedded, the default) or host:port (a cluster), --runner=StormRunner "
          + "(Storm on an in-process LocalCluster), or --runner=DirectRunner, "
          + "--parallelism=N, --checkpointingInterval=MILLIS, and the rest.",
      "A restart resumes where the last run stopped (see docs/runners.md). Without --hbase-zk / --redis, "
          + "uses the running `./analytics demo`'s, which must have been started with --no-pipeline."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:stopped on request",
      "1:the pipeline failed",
      "2:usage error or HBase/Redis unreachable"
    })
final class RunCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin PipelineTarget target;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "On embedded Flink, keep the job's checkpoints in DIR/checkpoints (every 10 s unless "
              + "--checkpointingInterval=MILLIS) and start from the newest one there: a run started again with the "
              + "same DIR carries on where the last one stopped, with its sessions open.")
  Path dataDir;

  @Unmatched List<String> beamArgs = new ArrayList<>();

  /** How often the stop request and the pipeline's state are checked. */
  long checkEveryMillis = 500;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (RunningPipeline.running() >= 0) {
      throw new UserError(
          "a pipeline started by `./analytics run` is already running (pid "
              + RunningPipeline.running()
              + "); stop it first with ./analytics stop");
    }
    ClickstreamOptions options = BeamArgs.parse(beamArgs, "run", BeamArgs.LIVE_DEFAULT_RUNNER);
    target.applyTo(options, err);
    Discovery.DemoInfo demo = Discovery.runningDemo();
    if (demo != null && demo.runsPipeline() && options.getRedisUrl().equals(demo.redisUrl())) {
      throw new UserError(
          "the demo running as pid "
              + demo.pid()
              + " runs its own pipeline on "
              + RedisUrls.masked(demo.redisUrl())
              + ", and two pipelines writing the same aggregates only get in each other's way: start the demo with "
              + "--no-pipeline to run its pipeline with ./analytics run");
    }
    if (dataDir != null) {
      DataDir.keepFlinkState(options, beamArgs, dataDir.toAbsolutePath().normalize(), err);
    }

    long pid = ProcessHandle.current().pid();
    RunningPipeline.announce(pid);
    err.printf(
        "Starting the pipeline on %s (HBase %s, Redis %s)...%n",
        options.getRunner().getSimpleName(),
        options.getHbaseZk(),
        RedisUrls.masked(options.getRedisUrl()));
    err.flush();
    Runners.prepareLive(options, beamArgs);
    PipelineResult pipeline = ClickstreamPipeline.run(options);
    Thread hook = new Thread(() -> drain(pipeline, err), "analytics-run-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (JedisPooled redis = RedisConnections.pooled(options.getRedisUrl())) {
      long lastReport = 0;
      while (!RunningPipeline.stopRequested()) {
        PipelineResult.State state = pipeline.waitUntilFinish(Duration.millis(checkEveryMillis));
        if (state != null && state.isTerminal()) {
          err.println("error: the pipeline ended " + state);
          RunningPipeline.withdraw();
          Runtime.getRuntime().removeShutdownHook(hook);
          return Analytics.EXIT_JOB_FAILED;
        }
        if (System.currentTimeMillis() - lastReport >= 10_000) {
          lastReport = System.currentTimeMillis();
          report(redis, err);
        }
      }
    }
    Runtime.getRuntime().removeShutdownHook(hook);
    drain(pipeline, err);
    return Analytics.EXIT_OK;
  }

  private static void report(JedisPooled redis, PrintWriter err) {
    Map<String, String> status = redis.hgetAll(RedisKeys.PIPELINE_STATUS);
    String watermark = status.get(RedisKeys.STATUS_WATERMARK_MS);
    err.printf(
        "  running; watermark %s%n",
        watermark == null ? "not yet reported" : Instant.ofEpochMilli(Long.parseLong(watermark)));
    err.flush();
  }

  /**
   * Stops reading and cancels the job. Nothing is lost: every write to Redis is idempotent and the
   * next run resumes from the recorded read position (or the runner's checkpoint), replaying what
   * was in flight.
   */
  private static void drain(PipelineResult pipeline, PrintWriter err) {
    err.println("Stopping the pipeline...");
    err.flush();
    try {
      pipeline.cancel();
      pipeline.waitUntilFinish(Duration.standardSeconds(30));
    } catch (IOException | RuntimeException e) {
      err.println("  cancel reported: " + e.getMessage());
    }
    RunningPipeline.withdraw();
    err.println("Stopped.");
    err.flush();
  }
}
