package io.clickstream.storm;

import java.util.List;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsRegistrar;
import org.apache.beam.sdk.runners.PipelineRunnerRegistrar;

/**
 * Makes {@code --runner=StormRunner} and the Storm options known wherever Beam parses arguments.
 * Listed in META-INF/services.
 */
public final class StormRunnerRegistrar {
  private StormRunnerRegistrar() {}

  /** Registers {@link StormRunner}. */
  public static final class Runner implements PipelineRunnerRegistrar {
    @Override
    public Iterable<Class<? extends PipelineRunner<?>>> getPipelineRunners() {
      return List.of(StormRunner.class);
    }
  }

  /** Registers {@link StormPipelineOptions}. */
  public static final class Options implements PipelineOptionsRegistrar {
    @Override
    public Iterable<Class<? extends PipelineOptions>> getPipelineOptions() {
      return List.of(StormPipelineOptions.class);
    }
  }
}
