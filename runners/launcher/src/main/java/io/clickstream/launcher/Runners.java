package io.clickstream.launcher;

import io.clickstream.flink.EmbeddedFlink;
import io.clickstream.flink.FlinkJobsBeingRun;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Prepares the chosen runner for a job this JVM starts and then watches ({@code demo}, {@code run},
 * {@code backfill}, the benchmark), each setting unless the Beam arguments give it. The pipeline
 * module only builds and starts jobs: preparing runners is the launcher's, which chooses them.
 */
public final class Runners {

  private Runners() {}

  /**
   * For the live pipeline: {@code run()} returns once it is started, and it runs as fast as it can.
   */
  public static void prepareLive(PipelineOptions options, List<String> beamArgs) {
    // Beam's FlinkRunner would block in run(), look for a cluster, and listen on every interface.
    EmbeddedFlink.prepare(options, beamArgs);
    if (DirectRunner.class.equals(options.getRunner())) {
      DirectOptions direct = options.as(DirectOptions.class);
      returnOnceStarted(direct);
      skipElementChecks(direct, beamArgs);
    }
  }

  /**
   * For a backfill, a batch job: {@code run()} returns once it is started, so its progress can be
   * reported.
   */
  public static void prepareBackfill(PipelineOptions options) {
    if (DirectRunner.class.equals(options.getRunner())) {
      returnOnceStarted(options.as(DirectOptions.class));
    }
  }

  /**
   * The Beam arguments of the API's history jobs ({@code ApiConfig.beamArgs}; docs/notebook.md, "On
   * which runner"): none, which is the Direct runner, unless {@code beamArgs} (a command's, as the
   * user gave them) name a runner; then that runner with their {@code --parallelism}, and nothing
   * else of the live job's (no savepoint, checkpointing or cluster). A history job hands its answer
   * back through the API's JVM, so it runs there: the FlinkRunner on an embedded cluster ({@code
   * [local]}, on 127.0.0.1 only, even when the live job goes to a cluster), detached so that the
   * API can poll, cap and cancel it; the StormRunner on this JVM's shared LocalCluster.
   */
  public static List<String> forHistory(List<String> beamArgs) {
    List<String> args = new ArrayList<>();
    for (String arg : beamArgs) {
      if (arg.startsWith("--runner=") || arg.startsWith("--parallelism=")) {
        args.add(arg);
      }
    }
    if (args.stream().noneMatch(a -> a.startsWith("--runner="))) {
      return List.of();
    }
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
            .withoutStrictParsing()
            .create();
    if (FlinkRunner.class.equals(options.getRunner())) {
      FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
      flink.setFlinkMaster("[local]");
      flink.setFlinkConfDir(given(beamArgs, "flinkConfDir"));
      // The embedded cluster's configuration: on 127.0.0.1 only (EmbeddedFlink), reporting each job
      // while run() waits for it, to be followed and cancelled (FlinkJobsBeingRun).
      EmbeddedFlink.prepare(flink, args);
      FlinkJobsBeingRun.reportJobsOf(flink);
      args.add("--flinkMaster=[local]");
      args.add("--flinkConfDir=" + flink.getFlinkConfDir());
      // Attached, as Beam runs a batch job by default: detached, the job's own embedded cluster
      // shuts down as it ends, and asking the finished job for its state or counters then fails
      // ("MiniCluster is not yet running or has already been shut down"). So run() returns once
      // the job has ended, and its cluster with it; meanwhile the job is reported as above.
      args.add("--attachedMode=true");
    }
    return List.copyOf(args);
  }

  /** The value of {@code --name=value} in {@code beamArgs}, or null. */
  private static String given(List<String> beamArgs, String name) {
    String prefix = "--" + name + "=";
    return beamArgs.stream()
        .filter(a -> a.startsWith(prefix))
        .map(a -> a.substring(prefix.length()))
        .findFirst()
        .orElse(null);
  }

  /** The Direct runner otherwise blocks in run() until the job ends: a live job's never does. */
  private static void returnOnceStarted(DirectOptions direct) {
    direct.setBlockOnRun(false);
  }

  /**
   * The Direct runner checks after every bundle that no DoFn mutated an element, by encoding each
   * input and output again and comparing, and that every element survives its coder. Measured on a
   * backlog drain, the checks were a third of the runner's CPU (docs/benchmarks.md). They guard
   * against bugs that our tests look for with the checks on; a live pipeline needs the speed more.
   */
  private static void skipElementChecks(DirectOptions direct, List<String> beamArgs) {
    if (beamArgs.stream().noneMatch(a -> a.startsWith("--enforceImmutability"))) {
      direct.setEnforceImmutability(false);
    }
    if (beamArgs.stream().noneMatch(a -> a.startsWith("--enforceEncodability"))) {
      direct.setEnforceEncodability(false);
    }
  }
}
