package io.clickstream.pipeline;

import io.clickstream.core.funnel.FunnelDefinition;
import java.io.Serializable;
import java.util.List;

/**
 * The funnel definitions to evaluate, as of now, and where a funnel that cannot be evaluated is
 * reported.
 */
public interface FunnelCatalog extends Serializable {

  List<FunnelDefinition> current();

  /**
   * Takes this version of {@code funnel} out of {@link #current()} because evaluating it threw: one
   * definition must never stop the counts and the other funnels.
   */
  void markFailed(FunnelDefinition funnel, RuntimeException cause);

  /**
   * A catalog that never changes (tests, backfills). A failure fails the job, naming the funnel: a
   * job of fixed funnels has nothing else to go on with.
   */
  static FunnelCatalog of(List<FunnelDefinition> funnels) {
    List<FunnelDefinition> fixed = List.copyOf(funnels);
    return new FunnelCatalog() {
      @Override
      public List<FunnelDefinition> current() {
        return fixed;
      }

      @Override
      public void markFailed(FunnelDefinition funnel, RuntimeException cause) {
        throw new IllegalStateException(
            "funnel '"
                + funnel.id()
                + "' version "
                + funnel.version()
                + " cannot be evaluated: "
                + cause,
            cause);
      }
    };
  }
}
