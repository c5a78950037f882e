package io.clickstream.storm;

import java.io.File;
import java.util.Map;
import org.apache.storm.StormSubmitter;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.shade.net.minidev.json.JSONValue;
import org.apache.storm.utils.NimbusClient;
import org.apache.storm.utils.Utils;

/**
 * Submits a translated topology to a cluster ({@code --localCluster=false}): uploads the topology
 * jar this module builds (its workers' code: the pipeline, Beam, this runner) to Nimbus over
 * Thrift, then the topology under the job's name, as {@code storm jar} does.
 */
final class NimbusSubmission {
  /** How the jar is built, for the errors that ask for it. */
  static final String BUILD_THE_JAR =
      "build it with `mvn -B package -pl runners/storm -am -DskipTests` "
          + "(runners/storm/target/clickstream-storm-<version>-topology.jar) and pass its path as "
          + "--stormJar=, or start the job with `storm jar`, which sets -Dstorm.jar";

  private NimbusSubmission() {}

  static NimbusResult submit(
      StormPipelineOptions options,
      String name,
      StormTopology topology,
      Map<String, Object> topologyConf) {
    NimbusAddress nimbus = NimbusAddress.parse(options.getStormNimbus());
    File jar = topologyJar(options);
    NimbusClient client = nimbus.connect();
    try (client) {
      String uploaded =
          StormSubmitter.submitJarAs(nimbus.clientConf(), jar.getPath(), null, client);
      client
          .getClient()
          .submitTopology(
              name, uploaded, JSONValue.toJSONString(topologyConf), Utils.addVersions(topology));
    } catch (Exception e) {
      throw new IllegalStateException(
          "Nimbus at " + nimbus + " refused topology " + name + " (jar " + jar + "): " + e, e);
    }
    return new NimbusResult(nimbus, name);
  }

  /** --stormJar, else the jar {@code storm jar} names; it must exist. */
  static File topologyJar(StormPipelineOptions options) {
    String path =
        options.getStormJar() != null ? options.getStormJar() : System.getProperty("storm.jar");
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException(
          "--localCluster=false needs the topology jar that a cluster's workers run: "
              + BUILD_THE_JAR);
    }
    File jar = new File(path);
    if (!jar.isFile()) {
      throw new IllegalArgumentException(
          "The topology jar " + jar.getAbsolutePath() + " does not exist: " + BUILD_THE_JAR);
    }
    return jar;
  }
}
