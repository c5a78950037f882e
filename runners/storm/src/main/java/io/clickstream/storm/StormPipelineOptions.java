package io.clickstream.storm;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.StreamingOptions;

/** How {@link StormRunner} runs a pipeline: on an in-process Storm or on a cluster's Nimbus. */
public interface StormPipelineOptions extends PipelineOptions, StreamingOptions {
  int DEFAULT_PARALLELISM = 2;

  @Description(
      "Run the topology on an in-process Storm LocalCluster (one per JVM, started on first use). "
          + "False submits it to --stormNimbus.")
  @Default.Boolean(true)
  boolean getLocalCluster();

  void setLocalCluster(boolean value);

  @Description("The Nimbus to submit to when --localCluster=false, as host:port.")
  String getStormNimbus();

  void setStormNimbus(String value);

  @Description(
      "The topology jar to upload to --stormNimbus (runners/storm's "
          + "clickstream-storm-<version>-topology.jar, built by `mvn package`). Unset: the jar "
          + "`storm jar` names in -Dstorm.jar.")
  String getStormJar();

  void setStormJar(String value);

  @Description("How many Storm workers (JVMs on a cluster, simulated ones in a LocalCluster).")
  @Default.Integer(1)
  int getStormWorkers();

  void setStormWorkers(int value);

  /**
   * Declared exactly as FlinkPipelineOptions declares it (an {@code Integer}, default -1): Beam
   * refuses getters of one name with different types or defaults once both runners are on the class
   * path, as in the launcher. Not positive means {@link #DEFAULT_PARALLELISM} ({@link
   * StormRunner#parallelism}).
   */
  @Description(
      "How many tasks each bolt runs, and how many splits a source is read in. Two by default, so "
          + "that even a local run merges watermarks from more than one upstream task.")
  @Default.Integer(-1)
  Integer getParallelism();

  void setParallelism(Integer value);
}
