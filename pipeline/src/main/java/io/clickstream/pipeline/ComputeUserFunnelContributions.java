package io.clickstream.pipeline;

import io.clickstream.core.Event;
import io.clickstream.core.SaturatingTime;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelEvaluator.UserAttempt;
import io.clickstream.core.funnel.FunnelEvaluator;
import io.clickstream.core.funnel.FunnelResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Results of user-scope funnels, whose attempts span sessions: per user, a {@link ShardedUserFn} keeps
 * the user's recent events and re-evaluates every user-scope funnel shortly after new events and
 * whenever the watermark ends an attempt's window. Its output is absolute, like a session's: all
 * attempts of one <em>episode</em> of the user, replaced by the writer as the episode grows.
 *
 * <p>An episode ends once the watermark is past its last event by the session gap, the longest
 * window and the allowed lateness: no open attempt, session or late event can reach back into it.
 * Its final contribution is written and its state and timers are cleared; later events start a new
 * episode, which owes nothing to the old one.
 */
public class ComputeUserFunnelContributions extends PTransform<PCollection<Event>, PCollection<SessionContribution>> {

  /** Versions order a user's firings: distinct events first, then how many attempt windows ended. */
  static final long EVENT_WEIGHT = 1L << 20;

  private final FunnelCatalog funnels;
  private final FunnelCoverage coverage;
  private final SessionSettings settings;

  private ComputeUserFunnelContributions(FunnelCatalog funnels, FunnelCoverage coverage, SessionSettings settings) {
    this.funnels = funnels;
    this.coverage = coverage;
    this.settings = settings;
  }

  /** The live job: every user-scope funnel, for attempts from its live_from on. */
  public static ComputeUserFunnelContributions live(FunnelCatalog funnels, SessionSettings settings) {
    return new ComputeUserFunnelContributions(funnels, FunnelCoverage.LIVE, settings);
  }

  /**
   * A backfill of one user-scope funnel: attempts starting in [from, to) and before live_from, in
   * episodes that end at or before {@code finishedBy}.
   */
  public static ComputeUserFunnelContributions backfill(FunnelDefinition funnel, long fromMillis, long toMillis,
      long finishedBy, SessionSettings settings) {
    return new ComputeUserFunnelContributions(FunnelCatalog.of(List.of(funnel)),
        FunnelCoverage.backfill(fromMillis, toMillis, finishedBy), settings);
  }

  @Override
  public PCollection<SessionContribution> expand(PCollection<Event> events) {
    PCollectionTuple out = events
        .apply("KeyByUserShard", new KeyByUserShard())
        .apply("EvaluateUserFunnels", ParDo.of(new UserFunnelFn(funnels, coverage, settings))
            .withOutputTags(CONTRIBUTIONS, TupleTagList.of(ShardedUserFn.SET_ASIDE)));
    // Nothing is set aside here (episodes have no caps yet), but the output exists and needs a coder.
    out.get(ShardedUserFn.SET_ASIDE).setCoder(SerializableCoder.of(DeadLetter.class));
    return out.get(CONTRIBUTIONS).setCoder(SessionContributionCoder.of());
  }

  private static final TupleTag<SessionContribution> CONTRIBUTIONS = new TupleTag<>() {};

  static List<FunnelDefinition> userScope(FunnelCatalog catalog) {
    return catalog.current().stream().filter(f -> f.scope() == FunnelDefinition.Scope.USER).toList();
  }

  /**
   * Counts one user's attempts at a user-scope funnel into {@code counts} (as count fields, see
   * {@link SessionContribution#countField}): those whose start {@code covers}, each broken down by
   * the first touch of the session it started in, and in progress until {@code watermark} ends its
   * window. Returns how many attempt windows the watermark has ended, covered or not.
   */
  public static int countAttempts(FunnelDefinition f, List<Event> ordered, long watermark, long sessionGapMillis,
      LongPredicate covers, Map<String, Long> counts) {
    int ended = 0;
    for (UserAttempt a : FunnelEvaluator.evaluateUser(f, ordered)) {
      boolean windowEnded = a.windowEndMillis() <= watermark;
      ended += windowEnded ? 1 : 0;
      FunnelResult r = a.result();
      if (covers.test(r.startMillis())) {
        FunnelCounts.add(counts, f, r, ordered.get(sessionStartIndex(ordered, r.startIndex(), sessionGapMillis)),
            a.complete() ? FunnelCounts.Status.COMPLETE
                : windowEnded ? FunnelCounts.Status.DROPPED : FunnelCounts.Status.IN_PROGRESS);
      }
    }
    return ended;
  }

  /** The index of the first event of the session (by the gap) holding event {@code index}. */
  private static int sessionStartIndex(List<Event> ordered, int index, long sessionGapMillis) {
    int i = index;
    while (i > 0 && ordered.get(i).timestampMillis() - ordered.get(i - 1).timestampMillis() < sessionGapMillis) {
      i--;
    }
    return i;
  }

  static final class UserFunnelFn extends ShardedUserFn<List<Event>, SessionContribution> {
    private final FunnelCatalog funnels;
    private final FunnelCoverage coverage;
    private final SessionSettings settings;

    UserFunnelFn(FunnelCatalog funnels, FunnelCoverage coverage, SessionSettings settings) {
      super(CONTRIBUTIONS, ListCoder.of(EventCoder.of()), settings.earlyFiringDelay());
      this.funnels = funnels;
      this.coverage = coverage;
      this.settings = settings;
    }

    @Override
    List<Event> add(String user, List<Event> state, Event event, long watermark,
        OutputReceiver<SessionContribution> out, OutputReceiver<DeadLetter> setAside) {
      if (userScope(funnels).isEmpty()) {
        return state;
      }
      List<Event> events = state == null ? new ArrayList<>() : state;
      events.add(event);
      return events;
    }

    @Override
    long dueTime(List<Event> state, long watermark) {
      return nextProgress(ComputeSessionContributions.distinctInOrder(state), watermark);
    }

    @Override
    void emitChanged(String user, List<Event> state, long watermark, OutputReceiver<SessionContribution> out) {
      emitAll(user, ComputeSessionContributions.distinctInOrder(state), watermark, false, out);
    }

    /**
     * Ends every episode the watermark has closed. Events further apart than the reach share no
     * session and no attempt window, so they split the user's events into episodes; on a bounded
     * input, whose watermark jumps to the end at once, this is what keeps each episode apart.
     */
    @Override
    List<Event> advance(String user, List<Event> state, long watermark, OutputReceiver<SessionContribution> out) {
      List<Event> ordered = ComputeSessionContributions.distinctInOrder(state);
      long reach = reach();
      int from = 0;
      for (int i = 1; i <= ordered.size(); i++) {
        if (i < ordered.size() && ordered.get(i).timestampMillis() - ordered.get(i - 1).timestampMillis() <= reach) {
          continue;
        }
        List<Event> episode = ordered.subList(from, i);
        if (watermark < closeTime(episode)) {
          break;
        }
        emitAll(user, episode, watermark, true, out);
        from = i;
      }
      if (from == ordered.size()) {
        return null;
      }
      List<Event> open = ordered.subList(from, ordered.size());
      emitAll(user, open, watermark, false, out);
      return from == 0 ? state : new ArrayList<>(open);
    }

    private void emitAll(String user, List<Event> ordered, long watermark, boolean last,
        OutputReceiver<SessionContribution> out) {
      for (FunnelDefinition f : userScope(funnels)) {
        try {
          if (!FunnelCounts.touches(f, ordered)) {
            continue;
          }
          SessionContribution contribution = contributionOf(f, user, ordered, watermark, last);
          if (!coverage.finished(contribution.endMillis())) {
            if (last) {
              FunnelCoverage.OPEN.inc();
            }
            contribution = contributionOf(f, user, ordered, Math.min(watermark, coverage.finishedBy()), false);
          }
          out.output(contribution);
        } catch (RuntimeException e) {
          funnels.markFailed(f, e);
        }
      }
    }

    /** When the watermark next matters: the earliest attempt window still open, or the episode's end. */
    private long nextProgress(List<Event> ordered, long watermark) {
      long next = closeTime(ordered);
      for (FunnelDefinition f : userScope(funnels)) {
        try {
          for (UserAttempt a : FunnelEvaluator.evaluateUser(f, ordered)) {
            if (!a.complete() && a.windowEndMillis() > watermark) {
              next = Math.min(next, a.windowEndMillis());
            }
          }
        } catch (RuntimeException e) {
          funnels.markFailed(f, e);
        }
      }
      return next;
    }

    private long closeTime(List<Event> ordered) {
      long lastEvent = ordered.get(ordered.size() - 1).timestampMillis();
      return SaturatingTime.plus(SaturatingTime.plus(lastEvent, reach()), settings.windowAllowedLateness().getMillis());
    }

    /** How far after its last event an episode can still be changed by a session or an attempt. */
    private long reach() {
      long reach = settings.sessionGap().getMillis();
      for (FunnelDefinition f : userScope(funnels)) {
        reach = Math.max(reach, SaturatingTime.millis(f.window()));
      }
      return reach;
    }

    private SessionContribution contributionOf(FunnelDefinition f, String user, List<Event> ordered, long watermark,
        boolean last) {
      Map<String, Long> counts = new HashMap<>();
      int ended = countAttempts(f, ordered, watermark, settings.sessionGap().getMillis(),
          start -> coverage.covers(f, start), counts);
      long start = ordered.get(0).timestampMillis();
      long end = SaturatingTime.plus(SaturatingTime.plus(ordered.get(ordered.size() - 1).timestampMillis(), reach()), 1);
      long version = ordered.size() * EVENT_WEIGHT + ended;
      return new SessionContribution(coverage.namespace(f), user, start, end, version, last,
          counts, Map.of(), Map.of());
    }
  }
}
