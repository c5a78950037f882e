package io.clickstream.pipeline;

import io.clickstream.core.Event;
import io.clickstream.core.funnel.FunnelDefinition;
import java.io.Serializable;
import java.util.List;

/**
 * A user's earlier events, for a user-scope funnel whose window reaches further back than the live
 * state kept (docs/funnels.md, "Live counting"). An argument of the transform, so that a pipeline
 * built over another source (tests) or one that reads all history anyway (a backfill) needs no
 * HBase.
 */
public interface UserHistory extends Serializable {

  /**
   * The user's events from about {@code fromMillis} on (possibly some earlier), each as parsing
   * would let it through; an empty list when they cannot be read.
   */
  List<Event> since(String user, long fromMillis);

  /**
   * Whether users' kept events may lack history that {@code f} needs: by default always. A version
   * defined before the pipeline started was known to it for every event it has handled, so its
   * episodes were kept for its whole window from the start and need no read.
   */
  default boolean mayLack(FunnelDefinition f) {
    return true;
  }

  /** No history: for a backfill, which reads all of it, and for pipelines without HBase. */
  static UserHistory none() {
    return new UserHistory() {
      @Override
      public List<Event> since(String user, long fromMillis) {
        return List.of();
      }

      @Override
      public boolean mayLack(FunnelDefinition f) {
        return false;
      }
    };
  }
}
