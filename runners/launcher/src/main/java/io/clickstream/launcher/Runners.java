package io.clickstream.launcher;

import io.clickstream.flink.EmbeddedFlink;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.options.PipelineOptions;

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
