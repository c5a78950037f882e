package io.clickstream.storm;

import java.util.List;
import org.apache.storm.generated.TopologySummary;

/**
 * The topologies this JVM's shared LocalCluster runs, for the launcher's tests: in this package
 * because the cluster is the runner's own ({@link SharedLocalCluster}).
 */
public final class RunningTopologies {

  private RunningTopologies() {}

  /** Their names, those being killed excepted. */
  public static List<String> names() throws Exception {
    return SharedLocalCluster.get().getClusterInfo().get_topologies().stream()
        .filter(t -> "ACTIVE".equals(t.get_status()))
        .map(TopologySummary::get_name)
        .toList();
  }
}
