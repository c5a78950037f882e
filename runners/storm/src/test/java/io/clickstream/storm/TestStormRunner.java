package io.clickstream.storm;

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.metrics.MetricsEnvironment;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * StormRunner as Beam's own ValidatesRunner tests need it ({@code --runner=
 * io.clickstream.storm.TestStormRunner}, the validates-runner profile): {@code TestPipeline.run()}
 * expects the job to have finished when {@code run} returns, and checks every PAssert reported a
 * success only when the runner says it supports metrics.
 */
public final class TestStormRunner extends PipelineRunner<StormPipelineResult> {
  private final StormRunner runner;

  private TestStormRunner(StormRunner runner) {
    this.runner = runner;
  }

  public static TestStormRunner fromOptions(PipelineOptions options) {
    return new TestStormRunner(StormRunner.fromOptions(options));
  }

  @Override
  public StormPipelineResult run(Pipeline pipeline) {
    MetricsEnvironment.setMetricsSupported(true);
    StormPipelineResult result = runner.run(pipeline);
    result.waitUntilFinish();
    return result;
  }
}
