package io.clickstream.pipeline;

import io.clickstream.core.DimensionName;
import io.clickstream.core.Dimensions;
import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dimensions the live pipeline counts by, each with its {@code live_from}: the first start of a
 * live pipeline that counted by it ({@link RecordedSettings#record}). A session is counted by a
 * dimension live when it starts at or after that instant; the sessions before are a dimension
 * backfill's ({@link BackfillDimension}), as a funnel version's are (docs/funnels.md, "Backfill").
 * The dimensions of the first list ever recorded are live from 0: that pipeline counted by them
 * from the start of what it read.
 */
public record CountedDimensions(Dimensions dimensions, Map<DimensionName, Long> liveFrom)
    implements Serializable {

  public CountedDimensions {
    liveFrom = Map.copyOf(liveFrom);
  }

  /** Counts by every one of {@code dimensions} from the start: tests, and the benchmark. */
  public static CountedDimensions fromTheStart(Dimensions dimensions) {
    Map<DimensionName, Long> liveFrom = new HashMap<>();
    dimensions.names().forEach(d -> liveFrom.put(d, 0L));
    return new CountedDimensions(dimensions, liveFrom);
  }

  /** The {@code live_from} of {@code d}: 0 (from the start) unless one is recorded. */
  public long liveFromOf(DimensionName d) {
    return liveFrom.getOrDefault(d, 0L);
  }

  /**
   * The dimensions a session starting at {@code startMillis} is counted by, live. Called for every
   * session firing: the whole list, without a copy, unless a dimension is not live yet.
   */
  public List<DimensionName> countedFor(long startMillis) {
    for (DimensionName d : dimensions.names()) {
      if (startMillis < liveFromOf(d)) {
        return dimensions.names().stream().filter(c -> startMillis >= liveFromOf(c)).toList();
      }
    }
    return dimensions.names();
  }
}
