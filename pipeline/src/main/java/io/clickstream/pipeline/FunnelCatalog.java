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
   * The definitions to evaluate a result (a session, an attempt) starting at {@code startMillis}
   * with: as {@link #current()}, and also holding every funnel saved since that could cover it
   * (whose live_from is at or before it). A catalog that caches must not answer from a read made
   * before such a funnel was saved: the result would miss it until its next firing, which may be a
   * session gap away.
   */
  default List<FunnelDefinition> current(long startMillis) {
    return current();
  }

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
