package io.clickstream.launcher;

import io.clickstream.pipeline.ClickstreamOptions;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Beam's own options (--runner=..., --parallelism=...), passed through a command untouched. */
final class BeamArgs {

  private BeamArgs() {}

  /**
   * The runner of {@code demo} and {@code run} when none is given: embedded Flink. Measured in
   * docs/benchmarks.md (runs M to S), the Direct runner now drains 5,000-13,000 events/s on 2 cores
   * and shows a live event within 1.7-2.2 s (p99, 500 events/s) while 35k users are in state, but
   * it copies a key's state at every bundle, so with 348k users in state that p99 is 4.3 s, and at
   * 2,000 events/s it runs 3-4.5 s behind (run P). Embedded Flink shows an event within 0.6 s (p99)
   * at 2,000 events/s and keeps p50 under a second at 5,000 events/s with those 348k users. Direct
   * stays available as --runner=DirectRunner and is what the tests use.
   */
  static final String LIVE_DEFAULT_RUNNER = "FlinkRunner";

  /** {@link #parse}, with {@code --runner=defaultRunner} unless the arguments name a runner. */
  static ClickstreamOptions parse(List<String> args, String command, String defaultRunner) {
    if (args.stream().anyMatch(a -> a.startsWith("--runner="))) {
      return parse(args, command);
    }
    List<String> withRunner = new java.util.ArrayList<>(args);
    withRunner.add(0, "--runner=" + defaultRunner);
    return parse(withRunner, command);
  }

  static ClickstreamOptions parse(List<String> args, String command) {
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new UserError(
            "unknown argument '"
                + arg
                + "': "
                + command
                + " options are listed by "
                + "`./analytics "
                + command
                + " --help`; Beam options must be written --name=value");
      }
    }
    PipelineOptionsFactory.register(ClickstreamOptions.class);
    try {
      return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new))
          .withValidation()
          .as(ClickstreamOptions.class);
    } catch (IllegalArgumentException e) {
      throw new UserError("invalid Beam option: " + e.getMessage());
    }
  }
}
