package io.clickstream.pipeline;

import io.clickstream.core.RedisKeys;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * What the rows dead-lettered as late change in the event counts, for the sessions starting in
 * {@code [from, to)}: the input of a backfill of counts ({@link BackfillCounts}).
 *
 * <p>The live path counts the sessions of the rows that were not late. Counted with the late rows
 * too, those sessions can grow, merge and get another first touch. For each whole session (all
 * rows) it emits the difference between its contribution and those of the live sessions inside it,
 * under records of its own ({@link RedisKeys#NAMESPACE_LATE_HISTORY}): live counts plus this equal
 * the counts of the whole sessions. A session without late rows adds nothing and is skipped.
 *
 * <p>Records are never sealed, so a later run that finds more late rows replaces them: the version
 * grows with the session's events. The same rows give the same version, which the writer takes for
 * a replay: running a range again changes nothing.
 */
public class CountLateHistory extends PTransform<PCollectionTuple, PCollection<Contribution>> {

  /** The Beam counter of late rows counted. */
  public static final String LATE_ROWS_COUNTED = "late_rows_counted";

  private final EventTimeRules settings;
  private final CountedDimensions dimensions;
  private final long fromMillis;
  private final long toMillis;
  private final long finishedBy;

  /**
   * @param finishedBy sessions ending after this could still change live ({@link
   *     BackfillFunnel#finishedBy}), and are left for a later run
   */
  public CountLateHistory(
      EventTimeRules settings,
      CountedDimensions dimensions,
      long fromMillis,
      long toMillis,
      long finishedBy) {
    this.settings = settings;
    this.dimensions = dimensions;
    this.fromMillis = fromMillis;
    this.toMillis = toMillis;
    this.finishedBy = finishedBy;
  }

  /**
   * @param parsed the output of {@link ParseEvents}
   */
  @Override
  public PCollection<Contribution> expand(PCollectionTuple parsed) {
    PCollection<KV<String, Session>> live =
        parsed
            .get(ParseEvents.EVENTS)
            .apply("SessionizeOnTimeEvents", new SessionizeEvents(settings))
            .get(SessionizeEvents.SESSIONS)
            .apply("KeyLiveSessionsByUser", new KeyFinalSessionsByUser());
    PCollection<KV<String, Session>> whole =
        PCollectionList.of(parsed.get(ParseEvents.EVENTS))
            .and(parsed.get(ParseEvents.LATE))
            .apply("AllEvents", Flatten.pCollections())
            .apply("SessionizeAllEvents", new SessionizeEvents(settings))
            .get(SessionizeEvents.SESSIONS)
            .apply("KeyWholeSessionsByUser", new KeyFinalSessionsByUser());
    return KeyedPCollectionTuple.of(WHOLE, whole)
        .and(LIVE, live)
        .apply("JoinByUser", CoGroupByKey.create())
        .apply(
            "SubtractLiveSessions",
            ParDo.of(new SubtractLiveFn(dimensions, fromMillis, toMillis, finishedBy)))
        .setCoder(ContributionCoder.of());
  }

  private static final TupleTag<Session> WHOLE = new TupleTag<>() {};
  private static final TupleTag<Session> LIVE = new TupleTag<>() {};

  /**
   * A session's final firing, keyed by its user: a bounded input fires every session to its end.
   */
  static final class KeyFinalSessionsByUser
      extends PTransform<PCollection<Session>, PCollection<KV<String, Session>>> {
    @Override
    public PCollection<KV<String, Session>> expand(PCollection<Session> sessions) {
      return sessions
          .apply("FinalFirings", Filter.by(Session::last))
          .apply(
              "KeyByUser",
              MapElements.into(
                      TypeDescriptors.kvs(
                          TypeDescriptors.strings(), TypeDescriptor.of(Session.class)))
                  .via(s -> KV.of(s.userId(), s)))
          .setCoder(KvCoder.of(StringUtf8Coder.of(), SessionCoder.of()));
    }
  }

  static final class SubtractLiveFn extends DoFn<KV<String, CoGbkResult>, Contribution> {
    private final CountedDimensions dimensions;
    private final long fromMillis;
    private final long toMillis;
    private final long finishedBy;
    private final Counter lateRows = Metrics.counter(BackfillCounts.class, LATE_ROWS_COUNTED);

    SubtractLiveFn(CountedDimensions dimensions, long fromMillis, long toMillis, long finishedBy) {
      this.dimensions = dimensions;
      this.fromMillis = fromMillis;
      this.toMillis = toMillis;
      this.finishedBy = finishedBy;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> user, OutputReceiver<Contribution> out) {
      // A user's live sessions are disjoint, so their starts tell them apart.
      TreeMap<Long, Session> live = new TreeMap<>();
      user.getValue().getAll(LIVE).forEach(s -> live.put(s.startMillis(), s));
      for (Session whole : user.getValue().getAll(WHOLE)) {
        if (whole.startMillis() < fromMillis || whole.startMillis() >= toMillis) {
          continue;
        }
        // Every on-time event is in the whole session holding its time, so a live session lies
        // inside exactly one whole session: the one its start falls in.
        Collection<Session> inside =
            live.subMap(whole.startMillis(), true, whole.endMillis(), false).values();
        int late = whole.eventsSeen() - inside.stream().mapToInt(Session::eventsSeen).sum();
        if (late == 0) {
          continue;
        }
        if (whole.endMillis() > finishedBy) {
          Coverage.OPEN.inc();
          continue;
        }
        lateRows.inc(late);
        out.output(difference(whole, inside));
      }
    }

    private Contribution difference(Session whole, Collection<Session> inside) {
      Contribution all = contributionOf(whole);
      Map<String, Long> counts = new HashMap<>(all.counts());
      for (Session s : inside) {
        contributionOf(s).counts().forEach((field, n) -> counts.merge(field, -n, Long::sum));
      }
      counts.values().removeIf(n -> n == 0);
      return new Contribution(
          RedisKeys.NAMESPACE_LATE_HISTORY,
          whole.userId(),
          whole.startMillis(),
          whole.endMillis(),
          Contribution.versionOf(whole.eventsSeen(), true),
          false,
          counts,
          all.firstSeen(),
          all.lastSeen());
    }

    private Contribution contributionOf(Session s) {
      // By the dimensions the live path counts the session by: a dimension's live_from is the
      // hand-over with its backfill, which counts the rows that were on time.
      return CountSessionEvents.contributionOf(
          dimensions.countedFor(s.startMillis()),
          s.userId(),
          s.startMillis(),
          s.endMillis(),
          true,
          false,
          s.events());
    }
  }
}
