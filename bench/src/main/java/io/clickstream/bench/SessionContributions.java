package io.clickstream.bench;

import io.clickstream.core.Dimensions;
import io.clickstream.core.Event;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.pipeline.ComputeSessionFunnelContributions;
import io.clickstream.pipeline.Contribution;
import io.clickstream.pipeline.CountSessionEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the pipeline writes to Redis for a user's sessions, computed with its own functions and no
 * Beam: the sessions as its session windows merge them, and each session's contributions to the
 * event counts and to every session-scope funnel. {@link PlainJavaBaseline} sums them; {@link
 * ApiBenchmark} applies them one by one, as the pipeline does.
 */
final class SessionContributions {

  private SessionContributions() {}

  /**
   * Calls {@code session} with each session of a user's distinct events in order ({@code
   * SessionOrder.distinctInOrder}): a gap of at least {@code gapMillis} starts a new one.
   */
  static void forEachSession(List<Event> ordered, long gapMillis, Consumer<List<Event>> session) {
    int from = 0;
    for (int i = 1; i <= ordered.size(); i++) {
      if (i == ordered.size()
          || ordered.get(i).timestampMillis() - ordered.get(i - 1).timestampMillis() >= gapMillis) {
        session.accept(ordered.subList(from, i));
        from = i;
      }
    }
  }

  /**
   * One session's contributions: its event counts first, then one per session-scope funnel in
   * {@code funnels} (stored under the funnel's version), as the pipeline's firing for it would
   * write them. The window's bounds are its first event and its last event plus the gap.
   *
   * @param closed whether the session has closed (its final firing), else an early one
   */
  static List<Contribution> of(
      List<FunnelDefinition> funnels,
      String user,
      List<Event> session,
      long gapMillis,
      boolean closed) {
    long start = session.get(0).timestampMillis();
    long end = session.get(session.size() - 1).timestampMillis() + gapMillis;
    List<Contribution> out = new ArrayList<>(1 + funnels.size());
    out.add(
        CountSessionEvents.contributionOf(
            Dimensions.DEFAULT.names(), user, start, end, closed, closed, session));
    for (FunnelDefinition f : funnels) {
      if (f.scope() == FunnelDefinition.Scope.SESSION) {
        out.add(
            ComputeSessionFunnelContributions.funnelContributionOf(
                f,
                RedisKeys.funnelNamespace(f.id(), f.version()),
                user,
                start,
                end,
                closed,
                closed,
                session));
      }
    }
    return out;
  }
}
