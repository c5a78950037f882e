package io.clickstream.storm.translation;

import java.util.ArrayList;
import java.util.List;
import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.grouping.CustomStreamGrouping;
import org.apache.storm.task.WorkerTopologyContext;

/**
 * Sends everything an upstream task emits to one downstream task (the i-th upstream task's to the
 * (i mod n)-th), as Flink's forward partitioning does. Storm delivers tuples from one task to
 * another in order, so what one task emits in order is processed in that order: a shuffle would let
 * a key's later element overtake an earlier one on another task. Beam promises no order, but
 * Clickstream's Redis writer relies on a user's final session firings arriving in the order the
 * sessionizer emits them (docs/runners.md, "Storm"); with every bolt at the same parallelism the
 * load stays even.
 */
final class ForwardGrouping implements CustomStreamGrouping {
  private static final long serialVersionUID = 1L;

  private transient List<Integer> sources;
  private transient List<Integer> targets;

  @Override
  public void prepare(WorkerTopologyContext context, GlobalStreamId stream, List<Integer> targets) {
    this.sources = new ArrayList<>(context.getComponentTasks(stream.get_componentId()));
    this.sources.sort(null);
    this.targets = new ArrayList<>(targets);
    this.targets.sort(null);
  }

  @Override
  public List<Integer> chooseTasks(int taskId, List<Object> values) {
    int index = Math.max(0, sources.indexOf(taskId));
    return List.of(targets.get(index % targets.size()));
  }
}
