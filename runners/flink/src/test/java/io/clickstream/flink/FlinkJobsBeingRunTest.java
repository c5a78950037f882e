package io.clickstream.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.pipeline.JobsBeingRun;
import io.clickstream.pipeline.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.junit.jupiter.api.Test;

/**
 * A bounded job on an attached embedded Flink, as the API runs a history query there: {@code run()}
 * blocks until the job ends, and meanwhile the job is reported under the thread in {@code run()},
 * with its counters, and can be cancelled.
 */
class FlinkJobsBeingRunTest {
  private static final int ELEMENTS = 300;
  private static final long MILLIS_EACH = 200; // a minute in all, unless cancelled

  @Test
  void anAttachedJobIsFollowedAndCancelledWhileRunWaitsForIt() throws Exception {
    List<String> args = List.of("--runner=FlinkRunner", "--flinkMaster=[local]", "--parallelism=1");
    FlinkPipelineOptions options =
        PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(FlinkPipelineOptions.class);
    EmbeddedFlink.prepare(options, args);
    options.setAttachedMode(true);
    FlinkJobsBeingRun.reportJobsOf(options);
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("Numbers", Create.of(IntStream.range(0, ELEMENTS).boxed().toList()))
        .apply("PassSlowly", ParDo.of(new PassSlowly()));

    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    Thread runner =
        new Thread(
            () -> {
              try {
                pipeline.run();
                ended.complete(null);
              } catch (Throwable e) {
                ended.complete(e);
              }
            },
            "run");
    runner.start();

    assertThat(Await.until(Duration.ofSeconds(60), () -> JobsBeingRun.cancelOf(runner).isPresent()))
        .as("the job reported under the thread in run()")
        .isTrue();
    long cancelledAt = System.nanoTime();
    JobsBeingRun.cancelOf(runner).orElseThrow().run();

    Throwable error = ended.get(30, TimeUnit.SECONDS);
    assertThat(error).as("run() of a cancelled job").isNotNull();
    assertThat(Duration.ofNanos(System.nanoTime() - cancelledAt))
        .as("from the cancel to the end of run(), of a job that had most of a minute to go")
        .isLessThan(Duration.ofSeconds(30));
    assertThat(JobsBeingRun.cancelOf(runner)).as("the job once it has ended").isEmpty();
  }

  private static final class PassSlowly extends DoFn<Integer, Integer> {
    @ProcessElement
    public void process(@Element Integer number, OutputReceiver<Integer> out)
        throws InterruptedException {
      Thread.sleep(MILLIS_EACH);
      out.output(number);
    }
  }
}
