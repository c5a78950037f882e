package io.clickstream.storm;

import io.clickstream.storm.topology.JobProgress;
import io.clickstream.storm.topology.MetricsBlobs;
import io.clickstream.storm.translation.TopologyTranslator;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsValidator;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.storm.Config;
import org.apache.storm.LocalCluster;

/**
 * Runs a Beam pipeline as an Apache Storm topology ({@code --runner=StormRunner}). Reads become
 * spouts, the other primitives bolts that run Beam's runners-core; watermarks travel on a stream of
 * their own (docs/runners.md, "Storm").
 */
public final class StormRunner extends PipelineRunner<StormPipelineResult> {
  private static final AtomicLong JOBS = new AtomicLong();

  private final StormPipelineOptions options;

  private StormRunner(StormPipelineOptions options) {
    this.options = options;
  }

  /** Called by Beam for {@code --runner=StormRunner}. */
  public static StormRunner fromOptions(PipelineOptions options) {
    return new StormRunner(PipelineOptionsValidator.validate(StormPipelineOptions.class, options));
  }

  @Override
  public StormPipelineResult run(Pipeline pipeline) {
    // Reads become primitives that the translator turns into spouts, not splittable DoFns.
    SplittableParDo.convertReadBasedSplittableDoFnsToPrimitiveReadsIfNecessary(pipeline);
    String jobId = UUID.randomUUID().toString();
    TopologyTranslator.Translation translation =
        new TopologyTranslator(
                new SerializablePipelineOptions(options), jobId, parallelism(options))
            .translate(pipeline);
    String topology = topologyName();
    Config conf = new Config();
    conf.putAll(translation.config());
    conf.setNumWorkers(options.getStormWorkers());
    if (!options.getLocalCluster()) {
      conf.put(MetricsBlobs.PUBLISH, true);
      return NimbusSubmission.submit(options, topology, translation.topology(), conf);
    }
    JobProgress progress = JobProgress.register(jobId, translation.tasks());
    try {
      LocalCluster cluster = SharedLocalCluster.get();
      cluster.submitTopology(topology, conf, translation.topology());
      return new LocalClusterResult(cluster, topology, jobId, progress);
    } catch (Exception e) {
      JobProgress.forget(jobId);
      throw new IllegalStateException("Could not submit topology " + topology, e);
    }
  }

  /** The tasks per bolt: --parallelism if given and positive (Flink's unset is -1), else two. */
  static int parallelism(StormPipelineOptions options) {
    Integer given = options.getParallelism();
    return given != null && given > 0 ? given : StormPipelineOptions.DEFAULT_PARALLELISM;
  }

  /** Storm wants topology names unique among running ones and free of most punctuation. */
  private String topologyName() {
    return options.getJobName().replaceAll("[^A-Za-z0-9_-]", "_") + "-" + JOBS.incrementAndGet();
  }
}
