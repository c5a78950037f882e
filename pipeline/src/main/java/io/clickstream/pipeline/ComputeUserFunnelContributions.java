package io.clickstream.pipeline;

import io.clickstream.core.Event;
import io.clickstream.core.SaturatingTime;
import io.clickstream.core.SessionOrder;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelEvaluator;
import io.clickstream.core.funnel.FunnelEvaluator.UserAttempt;
import io.clickstream.core.funnel.FunnelResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Results of user-scope funnels, whose attempts span sessions: per user, a {@link ShardedUserFn}
 * keeps the user's recent events and re-evaluates every user-scope funnel shortly after new events
 * and whenever the watermark ends an attempt's window. Its output is absolute, like a session's:
 * all attempts of one <em>episode</em> of the user, replaced by the writer as the episode grows.
 *
 * <p>An episode ends once the watermark is past its last event by the session gap, the longest
 * window and the allowed lateness: no open attempt, session or late event can reach back into it.
 * Its final contribution is written and its state and timers are cleared; later events start a new
 * episode, which owes nothing to the old one.
 *
 * <p>Events are kept whether or not a user-scope funnel exists, so that a funnel the catalog learns
 * a few seconds after its live_from is evaluated over the events handled meanwhile. A version whose
 * window is longer than the session gap may need more than was kept: the user's earlier history is
 * read from HBase ({@link UserHistory}) the first time it is evaluated for the user. An episode
 * evaluates its first {@code --maxEpisodeEvents} events only (docs/pipeline.md, "Episode cap").
 */
public class ComputeUserFunnelContributions
    extends PTransform<PCollection<Event>, PCollection<Contribution>> {

  /**
   * Versions order a user's firings: distinct events first, then how many attempt windows ended.
   */
  static final long EVENT_WEIGHT = 1L << 20;

  private final FunnelCatalog funnels;
  private final Coverage coverage;
  private final EventTimeRules settings;
  private final UserHistory history;

  private ComputeUserFunnelContributions(
      FunnelCatalog funnels, Coverage coverage, EventTimeRules settings, UserHistory history) {
    this.funnels = funnels;
    this.coverage = coverage;
    this.settings = settings;
    this.history = history;
  }

  /**
   * The live job: every user-scope funnel, for attempts from its live_from on, with the users'
   * earlier events read from {@code history} where the kept state may not reach back far enough.
   */
  public static ComputeUserFunnelContributions live(
      FunnelCatalog funnels, EventTimeRules settings, UserHistory history) {
    return new ComputeUserFunnelContributions(funnels, Coverage.LIVE, settings, history);
  }

  /**
   * A backfill of one user-scope funnel: attempts starting in [from, to) and before live_from, in
   * episodes that end at or before {@code finishedBy}.
   */
  public static ComputeUserFunnelContributions backfill(
      FunnelDefinition funnel,
      long fromMillis,
      long toMillis,
      long finishedBy,
      EventTimeRules settings) {
    // A backfill reads all history anyway.
    return new ComputeUserFunnelContributions(
        FunnelCatalog.of(List.of(funnel)),
        Coverage.backfill(fromMillis, toMillis, finishedBy),
        settings,
        UserHistory.none());
  }

  @Override
  public PCollection<Contribution> expand(PCollection<Event> events) {
    PCollectionTuple out =
        events
            .apply("KeyByUserShard", new KeyByUserShard())
            .apply(
                "EvaluateUserFunnels",
                ParDo.of(new UserFunnelFn(funnels, coverage, settings, history))
                    .withOutputTags(CONTRIBUTIONS, TupleTagList.of(ShardedUserFn.SET_ASIDE)));
    // Nothing is set aside here: the episode cap's excess is counted, not dead-lettered, since
    // sessions
    // still count those events (docs/pipeline.md, "Episode cap"). The output exists and needs a
    // coder.
    out.get(ShardedUserFn.SET_ASIDE).setCoder(SerializableCoder.of(DeadLetter.class));
    return out.get(CONTRIBUTIONS).setCoder(ContributionCoder.of());
  }

  private static final TupleTag<Contribution> CONTRIBUTIONS = new TupleTag<>() {};

  static List<FunnelDefinition> userScope(FunnelCatalog catalog) {
    return userScope(catalog, Long.MIN_VALUE);
  }

  /**
   * The user-scope funnels to evaluate attempts starting at or before {@code newestStartMillis}
   * with ({@link FunnelCatalog#current(long)}).
   */
  static List<FunnelDefinition> userScope(FunnelCatalog catalog, long newestStartMillis) {
    return catalog.current(newestStartMillis).stream()
        .filter(f -> f.scope() == FunnelDefinition.Scope.USER)
        .toList();
  }

  /**
   * Counts one user's attempts at a user-scope funnel into {@code counts} (as count fields, see
   * {@link Contribution#countField}): those whose start {@code covers}, each broken down by the
   * first touch of the session it started in, and in progress until {@code watermark} ends its
   * window. Returns how many attempt windows the watermark has ended, covered or not.
   */
  public static int countAttempts(
      FunnelDefinition f,
      List<Event> ordered,
      long watermark,
      long sessionGapMillis,
      LongPredicate covers,
      Map<String, Long> counts) {
    int ended = 0;
    for (UserAttempt a : FunnelEvaluator.evaluateUser(f, ordered)) {
      boolean windowEnded = a.windowEndMillis() <= watermark;
      ended += windowEnded ? 1 : 0;
      FunnelResult r = a.result();
      if (covers.test(r.startMillis())) {
        FunnelResultsHash.add(
            counts,
            f,
            r,
            ordered.get(sessionStartIndex(ordered, r.startIndex(), sessionGapMillis)),
            a.complete()
                ? FunnelResultsHash.Status.COMPLETE
                : windowEnded
                    ? FunnelResultsHash.Status.DROPPED
                    : FunnelResultsHash.Status.IN_PROGRESS);
      }
    }
    return ended;
  }

  /** The index of the first event of the session (by the gap) holding event {@code index}. */
  private static int sessionStartIndex(List<Event> ordered, int index, long sessionGapMillis) {
    int i = index;
    while (i > 0
        && ordered.get(i).timestampMillis() - ordered.get(i - 1).timestampMillis()
            < sessionGapMillis) {
      i--;
    }
    return i;
  }

  static final class UserFunnelFn extends ShardedUserFn<UserEpisodes, Contribution> {
    private final FunnelCatalog funnels;
    private final Coverage coverage;
    private final EventTimeRules settings;
    private final UserHistory history;
    private final SessionCaps cap;
    private final Counter capped =
        Metrics.counter(ComputeUserFunnelContributions.class, "episode_events_capped");

    UserFunnelFn(
        FunnelCatalog funnels, Coverage coverage, EventTimeRules settings, UserHistory history) {
      super(CONTRIBUTIONS, UserEpisodesCoder.of(), settings.earlyFiringDelay());
      this.funnels = funnels;
      this.coverage = coverage;
      this.settings = settings;
      this.history = history;
      // A count cap only: the windows already bound what an attempt spans.
      this.cap = new SessionCaps(settings.maxEpisodeEvents(), Long.MAX_VALUE);
    }

    @Override
    UserEpisodes add(
        String user,
        UserEpisodes state,
        Event event,
        long watermark,
        OutputReceiver<Contribution> out,
        OutputReceiver<DeadLetter> setAside) {
      UserEpisodes episodes = state == null ? new UserEpisodes() : state;
      List<Event> aside = new ArrayList<>();
      episodes.episodes().add(event, episodeGap(), cap, aside);
      capped.inc(aside.size());
      loadHistory(user, episodes);
      return episodes;
    }

    @Override
    long dueTime(UserEpisodes state, long watermark) {
      long due = UserShard.NEVER;
      for (UserSessions.Open episode : state.episodes().sessions()) {
        due = Math.min(due, nextProgress(episode, watermark));
      }
      return due;
    }

    @Override
    void emitChanged(
        String user, UserEpisodes state, long watermark, OutputReceiver<Contribution> out) {
      for (UserSessions.Open episode : state.episodes().sessions()) {
        if (episode.changed) {
          emitAll(user, state, episode, watermark, false, out);
        }
      }
    }

    /**
     * Ends every episode the watermark has closed. Events further apart than the reach share no
     * session and no attempt window, so they split the user's events into episodes; on a bounded
     * input, whose watermark jumps to the end at once, this is what keeps each episode apart. A
     * funnel defined since may have lengthened the reach: episodes it now bridges are merged first.
     */
    @Override
    UserEpisodes advance(
        String user, UserEpisodes state, long watermark, OutputReceiver<Contribution> out) {
      loadHistory(user, state);
      state.episodes().mergeWithin(episodeGap(), cap, new ArrayList<>());
      for (Iterator<UserSessions.Open> it = state.episodes().sessions().iterator();
          it.hasNext(); ) {
        UserSessions.Open episode = it.next();
        boolean closed = watermark >= closeTime(episode);
        emitAll(user, state, episode, watermark, closed, out);
        if (closed) {
          it.remove();
        }
      }
      return state.episodes().isEmpty() ? null : state;
    }

    /**
     * Reads the user's earlier events once per funnel version that may need them, and merges those
     * that join the kept episodes. A version needs them when its window is longer than the session
     * gap (the least any earlier episode was kept for), the kept events start less than a window
     * after its live_from, and it was defined while the pipeline ran ({@link UserHistory#mayLack}):
     * an episode ended before the pipeline knew the version may have been within a window of them.
     * Later, every episode ended under a reach of at least that window. The read goes two windows
     * (reaches) back: an attempt open at the first kept event started at most a window before it,
     * and whether that event started an attempt depends on the window before it.
     */
    private void loadHistory(String user, UserEpisodes state) {
      long first = state.firstEventTime();
      List<String> needed = new ArrayList<>();
      for (FunnelDefinition f : userScope(funnels)) {
        if (needsHistory(state, f) && !state.historyLoaded().contains(coverage.namespace(f))) {
          needed.add(coverage.namespace(f));
        }
      }
      if (needed.isEmpty()) {
        return;
      }
      List<Event> earlier =
          new ArrayList<>(
              history.since(
                  user, SaturatingTime.plus(SaturatingTime.plus(first, -reach()), -reach())));
      earlier.sort(SessionOrder.EVENT_ORDER);
      for (Event e : earlier) {
        state.episodes().add(e, episodeGap(), cap, new ArrayList<>());
      }
      // Earlier events that joined no kept episode are in episodes of their own, ended long ago.
      state.episodes().sessions().removeIf(episode -> episode.lastEventTime < first);
      state
          .historyLoaded()
          .retainAll(userScope(funnels).stream().map(coverage::namespace).toList());
      state.historyLoaded().addAll(needed);
    }

    /** Whether the user's history is in the state as far back as {@code f} needs it. */
    private boolean ready(UserEpisodes state, FunnelDefinition f) {
      return !needsHistory(state, f) || state.historyLoaded().contains(coverage.namespace(f));
    }

    /**
     * Whether {@code f} may need more of the user's history than the state kept (see {@link
     * #loadHistory}).
     */
    private boolean needsHistory(UserEpisodes state, FunnelDefinition f) {
      long window = SaturatingTime.millis(f.window());
      return window > settings.sessionGap().getMillis()
          && state.firstEventTime() < SaturatingTime.plus(f.liveFromMillis(), window)
          && history.mayLack(f);
    }

    private void emitAll(
        String user,
        UserEpisodes state,
        UserSessions.Open episode,
        long watermark,
        boolean last,
        OutputReceiver<Contribution> out) {
      episode.changed = false;
      List<Event> ordered = SessionOrder.distinctInOrder(episode.events);
      // An attempt starts at one of the episode's events, at the latest its last.
      for (FunnelDefinition f : userScope(funnels, episode.lastEventTime)) {
        try {
          // A version the catalog learned since the last add or advance waits for its history.
          if (!ready(state, f) || !FunnelResultsHash.touches(f, ordered)) {
            continue;
          }
          Contribution contribution = contributionOf(f, user, episode, ordered, watermark, last);
          if (!coverage.finished(contribution.endMillis())) {
            if (last) {
              Coverage.OPEN.inc();
            }
            contribution =
                contributionOf(
                    f, user, episode, ordered, Math.min(watermark, coverage.finishedBy()), false);
          }
          out.output(contribution);
        } catch (RuntimeException e) {
          funnels.markFailed(f, e);
        }
      }
    }

    /**
     * When the watermark next matters: the earliest attempt window still open, or the episode's
     * end.
     */
    private long nextProgress(UserSessions.Open episode, long watermark) {
      long next = closeTime(episode);
      List<Event> ordered = SessionOrder.distinctInOrder(episode.events);
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

    /**
     * An episode's last event, set aside or not, is where it ends: the user was active until then.
     */
    private long closeTime(UserSessions.Open episode) {
      return SaturatingTime.plus(
          SaturatingTime.plus(episode.lastEventTime, reach()),
          settings.windowAllowedLateness().getMillis());
    }

    /** How far after its last event an episode can still be changed by a session or an attempt. */
    private long reach() {
      long reach = settings.sessionGap().getMillis();
      for (FunnelDefinition f : userScope(funnels)) {
        reach = Math.max(reach, SaturatingTime.millis(f.window()));
      }
      return reach;
    }

    /**
     * The reach as a session gap: an event at most the reach after the last one joins its episode
     * (an attempt's window includes its end), where a session needs it strictly less than the gap
     * after.
     */
    private long episodeGap() {
      return SaturatingTime.plus(reach(), 1);
    }

    private Contribution contributionOf(
        FunnelDefinition f,
        String user,
        UserSessions.Open episode,
        List<Event> ordered,
        long watermark,
        boolean last) {
      Map<String, Long> counts = new HashMap<>();
      int ended =
          countAttempts(
              f,
              ordered,
              watermark,
              settings.sessionGap().getMillis(),
              start -> coverage.covers(f, start),
              counts);
      long end = SaturatingTime.plus(SaturatingTime.plus(episode.lastEventTime, reach()), 1);
      // Every event seen counts towards the version, kept or capped, as a session's does.
      long version = (ordered.size() + (long) episode.setAside) * EVENT_WEIGHT + ended;
      return new Contribution(
          coverage.namespace(f),
          user,
          episode.start,
          end,
          version,
          last,
          counts,
          Map.of(),
          Map.of());
    }
  }
}
