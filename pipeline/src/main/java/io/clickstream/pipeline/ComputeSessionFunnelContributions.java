package io.clickstream.pipeline;

import io.clickstream.core.Event;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelEvaluator;
import io.clickstream.core.funnel.FunnelResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;

/**
 * Computes what one session firing contributes to the results of every session-scope funnel that
 * covers it (docs/funnels.md): live, the sessions from a version's live_from on; in a backfill, one
 * version's sessions in the backfilled range and before its live_from ({@link Coverage}).
 */
public class ComputeSessionFunnelContributions
    extends PTransform<PCollection<Session>, PCollection<Contribution>> {

  private final FunnelCatalog funnels;
  private final Coverage coverage;

  private ComputeSessionFunnelContributions(FunnelCatalog funnels, Coverage coverage) {
    this.funnels = funnels;
    this.coverage = coverage;
  }

  /** The live job: every session-scope funnel from its live_from on. */
  public static ComputeSessionFunnelContributions live(FunnelCatalog funnels) {
    return new ComputeSessionFunnelContributions(funnels, Coverage.LIVE);
  }

  /**
   * A backfill: one funnel's results, for sessions starting in [from, to) and before live_from,
   * sealed if they end at or before {@code finishedBy}.
   */
  public static ComputeSessionFunnelContributions backfill(
      FunnelDefinition funnel, long fromMillis, long toMillis, long finishedBy) {
    return new ComputeSessionFunnelContributions(
        FunnelCatalog.of(List.of(funnel)), Coverage.backfill(fromMillis, toMillis, finishedBy));
  }

  @Override
  public PCollection<Contribution> expand(PCollection<Session> sessions) {
    return sessions
        .apply("FunnelResultsPerSession", ParDo.of(new FunnelContributionFn(funnels, coverage)))
        .setCoder(ContributionCoder.of());
  }

  /**
   * The contribution of one session to a session-scope funnel's results: its result (if any)
   * counted in the minute of its step-1 event, by the session's first touch.
   */
  public static Contribution funnelContributionOf(
      FunnelDefinition f,
      String namespace,
      String userId,
      long start,
      long end,
      boolean closed,
      boolean last,
      List<Event> session) {
    Map<String, Long> counts = new HashMap<>();
    Optional<FunnelResult> result = FunnelEvaluator.evaluateSession(f, session);
    result.ifPresent(
        r ->
            FunnelResultsHash.add(
                counts,
                f,
                r,
                session.get(0),
                r.reached() == f.stepCount()
                    ? FunnelResultsHash.Status.COMPLETE
                    : closed
                        ? FunnelResultsHash.Status.DROPPED
                        : FunnelResultsHash.Status.IN_PROGRESS));
    long version = Contribution.versionOf(session.size(), closed);
    return new Contribution(
        namespace, userId, start, end, version, last, counts, Map.of(), Map.of());
  }

  static final class FunnelContributionFn extends DoFn<Session, Contribution> {
    private final FunnelCatalog funnels;
    private final Coverage coverage;

    FunnelContributionFn(FunnelCatalog funnels, Coverage coverage) {
      this.funnels = funnels;
      this.coverage = coverage;
    }

    @ProcessElement
    public void process(@Element Session session, OutputReceiver<Contribution> out) {
      for (FunnelDefinition f : funnels.current(session.startMillis())) {
        if (f.scope() != FunnelDefinition.Scope.SESSION) {
          continue;
        }
        try {
          contribute(f, session, out);
        } catch (RuntimeException e) {
          // One broken definition must not stop the others (AFunnelThatThrowsIsContainedTest).
          funnels.markFailed(f, e);
        }
      }
    }

    private void contribute(FunnelDefinition f, Session session, OutputReceiver<Contribution> out) {
      String user = session.userId();
      List<Event> events = session.events();
      long start = session.startMillis();
      long end = session.endMillis();
      boolean closed = session.closed();
      boolean last = session.last();
      // The version grows with every event seen, counted or set aside by the caps
      // (docs/pipeline.md).
      int seen = session.eventsSeen();
      if (coverage.covers(f, start)) {
        if (!FunnelResultsHash.touches(f, events)) {
          return;
        }
        if (coverage.finished(end)) {
          out.output(
              funnelContributionOf(f, coverage.namespace(f), user, start, end, closed, last, events)
                  .withVersion(Contribution.versionOf(seen, closed)));
        } else {
          if (last) {
            Coverage.OPEN.inc();
          }
          out.output(
              funnelContributionOf(f, coverage.namespace(f), user, start, end, false, false, events)
                  .withVersion(Contribution.versionOf(seen, false)));
        }
      } else if (coverage.live()
          && events.get(events.size() - 1).timestampMillis() >= f.liveFromMillis()
          && FunnelResultsHash.touches(f, events)) {
        // A late earlier event moved the session's start before live_from: it belongs to the
        // backfill now, so whatever the live path counted for it is retracted.
        out.output(
            new Contribution(
                coverage.namespace(f),
                user,
                start,
                end,
                Contribution.versionOf(seen, closed),
                last,
                Map.of(),
                Map.of(),
                Map.of()));
      }
    }
  }
}
