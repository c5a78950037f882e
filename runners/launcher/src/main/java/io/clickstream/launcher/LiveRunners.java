package io.clickstream.launcher;

import io.clickstream.flink.FlinkJobMain;
import java.util.List;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Prepares the chosen runner for a live pipeline in this JVM ({@code demo}, {@code run}, the benchmark),
 * each setting unless the Beam arguments give it. Tests build their own options and keep the runners'
 * defaults.
 */
public final class LiveRunners {

  private LiveRunners() {}

  public static void prepare(PipelineOptions options, List<String> beamArgs) {
    // Beam's FlinkRunner would block in run(), look for a cluster, and listen on every interface.
    FlinkJobMain.prepareForEmbedding(options, beamArgs);
    if (DirectRunner.class.equals(options.getRunner())) {
      prepareDirect(options.as(DirectOptions.class), beamArgs);
    }
  }

  /**
   * The Direct runner checks after every bundle that no DoFn mutated an element, by encoding each
   * input and output again and comparing, and that every element survives its coder. Measured on a
   * backlog drain, the checks were a third of the runner's CPU (docs/benchmarks.md). They guard
   * against bugs that our tests look for with the checks on; a live pipeline needs the speed more.
   */
  private static void prepareDirect(DirectOptions direct, List<String> beamArgs) {
    if (beamArgs.stream().noneMatch(a -> a.startsWith("--enforceImmutability"))) {
      direct.setEnforceImmutability(false);
    }
    if (beamArgs.stream().noneMatch(a -> a.startsWith("--enforceEncodability"))) {
      direct.setEnforceEncodability(false);
    }
  }
}
