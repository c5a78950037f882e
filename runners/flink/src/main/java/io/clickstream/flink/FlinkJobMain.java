package io.clickstream.flink;

import io.clickstream.pipeline.ClickstreamOptions;
import io.clickstream.pipeline.ClickstreamPipeline;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Entry point of the Clickstream job on Apache Flink: the Main-Class of the job jar.
 *
 * <ul>
 *   <li>On a cluster ({@code flink run clickstream-flink-*-job.jar --hbaseZk=... --redisUrl=...},
 *       or the REST API's {@code POST /jars/:id/run}): the default {@code --flinkMaster=[auto]}
 *       makes the FlinkRunner use the cluster's execution environment.
 *   <li>Embedded ({@code --flinkMaster=[local]}, or {@code [auto]} outside a cluster): a Flink
 *       MiniCluster in this JVM, prepared by {@link EmbeddedFlink} (bound to 127.0.0.1, restoring
 *       from {@code --savepointPath}).
 * </ul>
 *
 * <p>Every argument is a Beam option ({@code --name=value}); {@code --runner} defaults to
 * FlinkRunner and, on a cluster, {@code --attachedMode} to false: {@code main} returns once the job
 * is submitted. Embedded, {@code main} returns when the job ends.
 */
public final class FlinkJobMain {

  private FlinkJobMain() {}

  public static void main(String[] args) {
    ClickstreamOptions options = options(args);
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    List<String> given = Arrays.asList(args);
    EmbeddedFlink.tune(flink, given);
    boolean embedded =
        FlinkRunner.class.equals(options.getRunner())
            && ("[local]".equals(flink.getFlinkMaster())
                || ("[auto]".equals(flink.getFlinkMaster()) && !insideFlinkCluster()));
    if (embedded) {
      EmbeddedFlink.prepare(options, given);
    } else if (given.stream().noneMatch(a -> a.startsWith("--attachedMode="))) {
      // Submitted by `flink run -d` or POST /jars/:id/run, an attached execute() returns a detached
      // result that Beam 2.62 cannot read (InvalidProgramException after the job is submitted).
      flink.setAttachedMode(false);
    }
    PipelineResult result = ClickstreamPipeline.run(options);
    if (embedded) {
      // The embedded cluster lives in this JVM: keep it up for as long as the job runs.
      System.err.println("Clickstream job ended: " + result.waitUntilFinish());
    }
  }

  /**
   * Whether this JVM runs inside a Flink client or cluster context ({@code flink run}, web
   * submission).
   */
  private static boolean insideFlinkCluster() {
    return !(StreamExecutionEnvironment.getExecutionEnvironment()
        instanceof LocalStreamEnvironment);
  }

  /**
   * The arguments as {@link ClickstreamOptions} plus Flink's, with FlinkRunner unless they name a
   * runner.
   */
  static ClickstreamOptions options(String... args) {
    PipelineOptionsFactory.register(ClickstreamOptions.class);
    PipelineOptionsFactory.register(FlinkPipelineOptions.class);
    List<String> all = new ArrayList<>();
    if (Arrays.stream(args).noneMatch(a -> a.startsWith("--runner="))) {
      all.add("--runner=" + FlinkRunner.class.getSimpleName());
    }
    all.addAll(Arrays.asList(args));
    return PipelineOptionsFactory.fromArgs(all.toArray(String[]::new))
        .withValidation()
        .as(ClickstreamOptions.class);
  }
}
