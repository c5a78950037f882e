package io.clickstream.storm;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.joda.time.Duration;

/**
 * The runners every ValidatesRunner-style case runs on, with the same expectations. A case passes
 * when the job finishes, no PAssert failed and every PAssert of the pipeline reported a success: an
 * assertion that never ran (its input never arrived) fails the case too.
 */
enum RunnerUnderTest {
  DIRECT {
    @Override
    PipelineOptions options() {
      PipelineOptions options = PipelineOptionsFactory.create();
      options.setRunner(DirectRunner.class);
      return options;
    }
  },
  STORM {
    @Override
    PipelineOptions options() {
      StormPipelineOptions options = PipelineOptionsFactory.as(StormPipelineOptions.class);
      options.setRunner(StormRunner.class);
      return options;
    }
  };

  private static final Duration TIMEOUT = Duration.standardMinutes(1);

  abstract PipelineOptions options();

  Pipeline newPipeline() {
    return Pipeline.create(options());
  }

  PipelineResult runAndCheckAsserts(Pipeline pipeline) {
    int asserts = PAssert.countAsserts(pipeline);
    PipelineResult result = pipeline.run();
    assertThat(result.waitUntilFinish(TIMEOUT)).isEqualTo(PipelineResult.State.DONE);
    assertThat(counter(result, PAssert.class, PAssert.FAILURE_COUNTER))
        .as("failed asserts")
        .isZero();
    assertThat(counter(result, PAssert.class, PAssert.SUCCESS_COUNTER))
        .as("passed asserts")
        .isEqualTo(asserts);
    return result;
  }

  /** The attempted value of a Beam counter, summed over the steps that report it. */
  static long counter(PipelineResult result, Class<?> namespace, String name) {
    long total = 0;
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(namespace, name))
                    .build())
            .getCounters()) {
      total += counter.getAttempted();
    }
    return total;
  }
}
