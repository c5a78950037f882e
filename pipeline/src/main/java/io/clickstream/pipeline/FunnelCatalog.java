package io.clickstream.pipeline;

import io.clickstream.core.funnel.FunnelDefinition;
import java.io.Serializable;
import java.util.List;

/** The funnel definitions to evaluate, as of now. */
public interface FunnelCatalog extends Serializable {

  List<FunnelDefinition> current();

  /** A catalog that never changes (tests, backfills). */
  static FunnelCatalog of(List<FunnelDefinition> funnels) {
    List<FunnelDefinition> fixed = List.copyOf(funnels);
    return () -> fixed;
  }
}
