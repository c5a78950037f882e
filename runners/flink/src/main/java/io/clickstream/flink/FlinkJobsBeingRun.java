package io.clickstream.flink;

import io.clickstream.pipeline.JobsBeingRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.JobListener;

/**
 * Reports each job an attached FlinkRunner submits to {@link JobsBeingRun}, under the thread
 * blocked in {@code run()}: Flink calls a job listener in the thread that submits the job, and
 * again there when it has ended. Flink creates the listener itself, named by {@code
 * execution.job-listeners} in the configuration ({@link #reportJobsOf}).
 *
 * <p>Only a cancel: Beam's counters of a bounded job on Flink are an accumulator that each task
 * adds when it closes, so a running job has none to report.
 */
public final class FlinkJobsBeingRun implements JobListener {

  /** Has the embedded cluster of {@code options} ({@code [local]}) report its jobs. */
  public static void reportJobsOf(FlinkPipelineOptions options) {
    Path conf = Path.of(options.getFlinkConfDir(), "flink-conf.yaml");
    try {
      Files.writeString(
          conf,
          "\nexecution.job-listeners: " + FlinkJobsBeingRun.class.getName() + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + conf, e);
    }
  }

  @Override
  public void onJobSubmitted(JobClient client, Throwable error) {
    if (client != null) {
      JobsBeingRun.submitted(client::cancel);
    }
  }

  @Override
  public void onJobExecuted(JobExecutionResult result, Throwable error) {
    JobsBeingRun.ended();
  }
}
