package io.clickstream.flink.testing;

import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.ClickstreamPipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * The pipeline on the runner its arguments name, in a child JVM that lives until the job ends or is
 * killed.
 */
public final class RunPipelineMain {

  private RunPipelineMain() {}

  public static void main(String[] args) {
    ClickstreamPipeline.run(
            PipelineOptionsFactory.fromArgs(args).withValidation().as(ClickstreamOptions.class))
        .waitUntilFinish();
  }
}
