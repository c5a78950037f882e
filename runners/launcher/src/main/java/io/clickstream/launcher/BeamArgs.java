package io.clickstream.launcher;

import io.clickstream.pipeline.ClickstreamOptions;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Beam's own options (--runner=..., --parallelism=...), passed through a command untouched. */
final class BeamArgs {

  private BeamArgs() {}

  static ClickstreamOptions parse(List<String> args, String command) {
    for (String arg : args) {
      if (!arg.startsWith("--") || !arg.contains("=")) {
        throw new UserError("unknown argument '" + arg + "': " + command + " options are listed by "
            + "`./analytics " + command + " --help`; Beam options must be written --name=value");
      }
    }
    PipelineOptionsFactory.register(ClickstreamOptions.class);
    try {
      return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).withValidation().as(ClickstreamOptions.class);
    } catch (IllegalArgumentException e) {
      throw new UserError("invalid Beam option: " + e.getMessage());
    }
  }
}
