package io.clickstream.storm.topology;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.storm.generated.GlobalStreamId;
import org.apache.storm.task.TopologyContext;
import org.joda.time.Instant;

/**
 * The last watermark each upstream task sent a bolt, over every watermark stream the bolt
 * subscribes to (from its {@link TopologyContext}); each starts at the beginning of time. The
 * bolt's input watermark is their minimum.
 */
final class UpstreamWatermarks {
  private final Map<Integer, Instant> byTask = new HashMap<>();
  private final Map<Integer, String> componentOf = new HashMap<>();

  UpstreamWatermarks(TopologyContext context) {
    for (GlobalStreamId source : context.getThisSources().keySet()) {
      if (source.get_streamId().equals(WireFormat.WATERMARK_STREAM)) {
        for (int task : context.getComponentTasks(source.get_componentId())) {
          byTask.put(task, BoundedWindow.TIMESTAMP_MIN_VALUE);
          componentOf.put(task, source.get_componentId());
        }
      }
    }
  }

  /** Records what {@code task} sent and returns the minimum over every upstream task. */
  Instant update(int task, Instant watermark) {
    byTask.put(task, watermark);
    return Collections.min(byTask.values());
  }

  /** The minimum over the tasks of {@code components} only; the end of time if there are none. */
  Instant of(Collection<String> components) {
    Instant min = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (Map.Entry<Integer, Instant> task : byTask.entrySet()) {
      if (components.contains(componentOf.get(task.getKey())) && task.getValue().isBefore(min)) {
        min = task.getValue();
      }
    }
    return min;
  }
}
