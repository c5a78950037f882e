package io.clickstream.pipeline.oracle;

import io.clickstream.core.DimensionName;
import io.clickstream.core.Dimensions;
import io.clickstream.core.Event;
import io.clickstream.core.EventParser;
import io.clickstream.core.ParseResult;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.SessionFigures;
import io.clickstream.core.SessionOrder;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelEvaluator;
import io.clickstream.core.funnel.FunnelResult;
import io.clickstream.core.funnel.FunnelResultFields;
import io.clickstream.pipeline.Contribution;
import io.clickstream.pipeline.io.EventRow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain-Java batch recomputation of every Redis count, written straight from docs/data-model.md,
 * docs/pipeline.md and docs/funnels.md without any pipeline code, so the streaming path (windows,
 * triggers, merges, retractions, retries) can be checked against it. What a single session's funnel
 * result is comes from {@link FunnelEvaluator}, whose rules have their own tests, and the order of
 * a user's events from {@link SessionOrder}: both are in core, the rules themselves rather than the
 * pipeline's way of applying them.
 */
public final class BatchOracle {

  private static final long MAX_FUTURE_MILLIS = 5 * 60_000L;

  /** The session caps' defaults, docs/pipeline.md ("Session caps"). */
  private static final int DEFAULT_MAX_SESSION_EVENTS = 10_000;

  private static final long DEFAULT_MAX_SESSION_LENGTH_MILLIS = 12 * 3_600_000L;

  /** The episode cap's default, docs/pipeline.md ("Episode cap"). */
  private static final int DEFAULT_MAX_EPISODE_EVENTS = 10_000;

  private final long gapMillis;
  private final long allowedLatenessMillis;
  private final long outOfOrdernessMillis;
  private final int maxSessionEvents;
  private final long maxSessionLengthMillis;
  private final int maxEpisodeEvents;

  /**
   * The dimensions counts are kept by ({@code --dimensions}); the default three unless {@link
   * #withDimensions}.
   */
  private Dimensions dimensions = Dimensions.DEFAULT;

  /** Each dimension's live_from (0 unless given): the sessions it counts from, live. */
  private final Map<DimensionName, Long> liveFrom = new HashMap<>();

  /** Each dimension's backfilled range of session starts, [from, to). */
  private final Map<DimensionName, long[]> backfilled = new HashMap<>();

  /**
   * What the oracle expects: counts as {@code key + "\n" + field -> n}, and the rows set aside
   * (capped: events a session's caps left out; rewritten: cells of a row after its first write).
   */
  public record Expected(
      Map<String, Long> counts,
      Map<String, Long> firstSeen,
      Map<String, Long> lastSeen,
      int invalid,
      int future,
      int late,
      int capped,
      int rewritten) {

    /**
     * What Redis keeps when the cap on distinct event names admitted only {@code admitted}
     * (docs/redis-keys.md, "The cap on distinct event names"): every other name's counts, catalog
     * total and first and last seen are the overflow's, summed and merged. Which names a cap admits
     * depends on the order they arrived in, which the oracle cannot know: it is given.
     */
    public Expected withEventNamesAdmitted(Set<String> admitted) {
      Map<String, Long> first = new TreeMap<>();
      Map<String, Long> last = new TreeMap<>();
      firstSeen.forEach((name, t) -> first.merge(catalogName(name, admitted), t, Math::min));
      lastSeen.forEach((name, t) -> last.merge(catalogName(name, admitted), t, Math::max));
      return new Expected(
          countsWithEventNamesAdmitted(counts, admitted),
          first,
          last,
          invalid,
          future,
          late,
          capped,
          rewritten);
    }

    /** The dead letters by kind, as the pipeline's stream has them: kinds with none left out. */
    public Map<String, Long> deadLetters() {
      Map<String, Long> kinds = new TreeMap<>();
      for (Map.Entry<String, Integer> kind :
          Map.of(
                  "invalid",
                  invalid,
                  "future",
                  future,
                  "late",
                  late,
                  "capped",
                  capped,
                  "rewritten",
                  rewritten)
              .entrySet()) {
        if (kind.getValue() > 0) {
          kinds.put(kind.getKey(), (long) kind.getValue());
        }
      }
      return kinds;
    }
  }

  /** The start of an event's counts key, {@code cs:cnt:e.{escaped name}:}, with the name. */
  private static final Pattern EVENT_COUNTS =
      Pattern.compile(Pattern.quote(RedisKeys.PREFIX + "cnt:e.") + "([^:]+):");

  /**
   * {@code counts} as Redis keeps them when only the event names {@code admitted} have counts of
   * their own: a refused name's counts are in the hashes of the overflow metric with the same
   * dimension and minute, and its catalog total is the overflow's catalog name's.
   */
  public static Map<String, Long> countsWithEventNamesAdmitted(
      Map<String, Long> counts, Set<String> admitted) {
    Set<String> admittedMetrics = new HashSet<>();
    admitted.forEach(name -> admittedMetrics.add(RedisKeys.eventMetric(name)));
    String total = Contribution.countField(RedisKeys.CATALOG_TOTAL, "");
    Map<String, Long> routed = new TreeMap<>();
    counts.forEach(
        (field, n) -> {
          String to = field;
          Matcher event = EVENT_COUNTS.matcher(field);
          if (event.lookingAt() && !admittedMetrics.contains("e." + event.group(1))) {
            to =
                RedisKeys.PREFIX
                    + "cnt:"
                    + RedisKeys.METRIC_OTHER_EVENTS
                    + ":"
                    + field.substring(event.end());
          } else if (field.startsWith(total)) {
            to = total + catalogName(field.substring(total.length()), admitted);
          }
          routed.merge(to, n, Long::sum);
        });
    return routed;
  }

  private static String catalogName(String name, Set<String> admitted) {
    return admitted.contains(name) ? name : RedisKeys.CATALOG_OTHER_EVENTS;
  }

  public BatchOracle(long gapMillis, long allowedLatenessMillis, long outOfOrdernessMillis) {
    this(
        gapMillis,
        allowedLatenessMillis,
        outOfOrdernessMillis,
        DEFAULT_MAX_SESSION_EVENTS,
        DEFAULT_MAX_SESSION_LENGTH_MILLIS);
  }

  public BatchOracle(
      long gapMillis,
      long allowedLatenessMillis,
      long outOfOrdernessMillis,
      int maxSessionEvents,
      long maxSessionLengthMillis) {
    this(
        gapMillis,
        allowedLatenessMillis,
        outOfOrdernessMillis,
        maxSessionEvents,
        maxSessionLengthMillis,
        DEFAULT_MAX_EPISODE_EVENTS);
  }

  public BatchOracle(
      long gapMillis,
      long allowedLatenessMillis,
      long outOfOrdernessMillis,
      int maxSessionEvents,
      long maxSessionLengthMillis,
      int maxEpisodeEvents) {
    this.maxEpisodeEvents = maxEpisodeEvents;
    this.gapMillis = gapMillis;
    this.allowedLatenessMillis = allowedLatenessMillis;
    this.outOfOrdernessMillis = outOfOrdernessMillis;
    this.maxSessionEvents = maxSessionEvents;
    this.maxSessionLengthMillis = maxSessionLengthMillis;
  }

  /**
   * Counts by {@code dimensions}, as a pipeline started with {@code --dimensions} set to them does.
   */
  public BatchOracle withDimensions(Dimensions dimensions) {
    this.dimensions = dimensions;
    return this;
  }

  /**
   * {@code d} was added to a running pipeline's list at {@code liveFromMillis}: live, it counts the
   * sessions starting from then on (docs/pipeline.md, "A dimension added later").
   */
  public BatchOracle withDimensionLiveFrom(DimensionName d, long liveFromMillis) {
    liveFrom.put(d, liveFromMillis);
    return this;
  }

  /**
   * A dimension backfill of {@code d} has counted by it the sessions of on-time rows starting in
   * {@code [from, to)} and before its live_from.
   */
  public BatchOracle withDimensionBackfilled(DimensionName d, long fromMillis, long toMillis) {
    backfilled.put(d, new long[] {fromMillis, toMillis});
    return this;
  }

  public Expected compute(List<EventRow> rows) {
    return compute(rows, List.of());
  }

  /**
   * Also counts every session-scope funnel over the sessions starting at or after its live_from,
   * and every user-scope funnel over the attempts starting at or after it.
   */
  public Expected compute(List<EventRow> rows, List<FunnelDefinition> funnels) {
    return compute(rows, funnels, 0, 0);
  }

  /**
   * The counts after a backfill of counts over {@code [from, to)} (docs/pipeline.md, "Late
   * history"): a session of all the rows, late ones included, that starts in the range and has a
   * late row is counted whole; every other session is counted as the live path counts it, without
   * late rows.
   */
  public Expected computeAfterCountsBackfill(
      List<EventRow> rows, List<FunnelDefinition> funnels, long fromMillis, long toMillis) {
    return compute(rows, funnels, fromMillis, toMillis);
  }

  /**
   * {@code cells}: every cell of the events table, every version of every row (a cell given twice
   * counts once). A row's first write is its event; its later cells are rewrites, set aside
   * whatever they hold (docs/data-model.md, "The rule").
   */
  private Expected compute(
      List<EventRow> cells, List<FunnelDefinition> funnels, long fromMillis, long toMillis) {
    Map<String, EventRow> firstWrites = new HashMap<>();
    Set<String> distinctCells = new HashSet<>();
    for (EventRow cell : cells) {
      String row = HexFormat.of().formatHex(cell.rowKey());
      distinctCells.add(row + "@" + cell.writeTimeMillis());
      firstWrites.merge(row, cell, (a, b) -> a.writeTimeMillis() <= b.writeTimeMillis() ? a : b);
    }
    int rewritten = distinctCells.size() - firstWrites.size();
    List<EventRow> rows =
        cells.stream()
            .filter(c -> firstWrites.get(HexFormat.of().formatHex(c.rowKey())) == c)
            .toList();
    int invalid = 0;
    int future = 0;
    int late = 0;
    // An event is its user_id and event_id (docs/data-model.md): rows under other keys may hold
    // one.
    Map<String, Event> byId = new LinkedHashMap<>();
    Map<String, Event> lateById = new HashMap<>();
    for (EventRow row : rows) {
      ParseResult parsed = EventParser.parse(row.json());
      if (row.notText() != null
          || !parsed.isOk()) { // bytes that are not UTF-8 are no event (docs/data-model.md)
        invalid++;
        continue;
      }
      Event e = parsed.event();
      if (e.timestampMillis() > row.writeTimeMillis() + MAX_FUTURE_MILLIS) {
        future++;
      } else if (row.writeTimeMillis() - outOfOrdernessMillis - e.timestampMillis()
          > allowedLatenessMillis) {
        late++;
        lateById.put(key(e), e);
      } else {
        byId.putIfAbsent(key(e), e);
      }
    }

    // A late copy of an event that another row holds on time: the on-time copy is the event.
    lateById.keySet().removeAll(byId.keySet());
    Map<String, List<Event>> byUser = byUser(byId.values());
    List<Event> onTimeAndLate = new ArrayList<>(byId.values());
    onTimeAndLate.addAll(lateById.values());
    Map<String, List<Event>> allByUser = byUser(onTimeAndLate);
    Map<String, Long> counts = new TreeMap<>();
    Map<String, Long> firstSeen = new TreeMap<>();
    Map<String, Long> lastSeen = new TreeMap<>();
    int capped = 0;
    for (Map.Entry<String, List<Event>> user : allByUser.entrySet()) {
      List<Event> all = user.getValue();
      all.sort(SessionOrder.EVENT_ORDER);
      for (List<Event> whole : sessions(all)) {
        List<Event> onTime = whole.stream().filter(e -> !lateById.containsKey(key(e))).toList();
        long start = whole.get(0).timestampMillis();
        boolean backfilled =
            onTime.size() < whole.size() && start >= fromMillis && start < toMillis;
        if (backfilled) {
          countSession(counted(whole), liveDimensions(start), counts, firstSeen, lastSeen);
        }
        for (List<Event> live : sessions(onTime)) {
          List<Event> session = counted(live);
          capped += live.size() - session.size();
          long liveStart = session.get(0).timestampMillis();
          if (!backfilled) {
            List<DimensionName> by = new ArrayList<>(liveDimensions(liveStart));
            by.addAll(backfilledDimensions(liveStart));
            countSession(session, by, counts, firstSeen, lastSeen);
          } else {
            // A late row's session counts by a dimension from its live_from on; before it, a
            // dimension backfill counts the sessions of the rows that were on time.
            count(session, false, backfilledDimensions(liveStart), counts);
          }
          for (FunnelDefinition f : funnels) {
            if (f.scope() == FunnelDefinition.Scope.SESSION
                && session.get(0).timestampMillis() >= f.liveFromMillis()) {
              FunnelEvaluator.evaluateSession(f, session)
                  .ifPresent(r -> countResult(f, r, session.get(0), counts));
            }
          }
        }
      }
    }
    for (List<Event> events : byUser.values()) {
      events.sort(SessionOrder.EVENT_ORDER);
      for (List<Event> episode : split(events, reach(funnels) + 1)) {
        List<Event> evaluated = episode.subList(0, Math.min(episode.size(), maxEpisodeEvents));
        for (FunnelDefinition f : funnels) {
          if (f.scope() == FunnelDefinition.Scope.USER) {
            countUserAttempts(f, evaluated, counts);
          }
        }
      }
    }
    return new Expected(
        withHoursAndDays(counts), firstSeen, lastSeen, invalid, future, late, capped, rewritten);
  }

  /**
   * The minute counts and funnel results, and their hour and day totals, as docs/redis-keys.md
   * ("Rollups") names them: the minute segment of the key replaced by {@code h{minute / 60}} and
   * {@code d{minute / 1440}}.
   */
  public static Map<String, Long> withHoursAndDays(Map<String, Long> minutes) {
    Map<String, Long> all = new TreeMap<>(minutes);
    Pattern minuteKey = Pattern.compile("(cs:(?:cnt|fr):[^\n]*:)(-?\\d+)(\n.*)", Pattern.DOTALL);
    minutes.forEach(
        (countField, n) -> {
          Matcher m = minuteKey.matcher(countField);
          if (m.matches()) {
            long minute = Long.parseLong(m.group(2));
            all.merge(m.group(1) + "h" + Math.floorDiv(minute, 60) + m.group(3), n, Long::sum);
            all.merge(m.group(1) + "d" + Math.floorDiv(minute, 1440) + m.group(3), n, Long::sum);
          }
        });
    return all;
  }

  /** A session's first events, in order, up to the count cap and short of the length cap. */
  private List<Event> counted(List<Event> session) {
    long limit = session.get(0).timestampMillis() + maxSessionLengthMillis;
    List<Event> counted = new ArrayList<>();
    for (Event e : session) {
      if (counted.size() < maxSessionEvents && e.timestampMillis() < limit) {
        counted.add(e);
      }
    }
    return counted;
  }

  /**
   * How far apart a user's events may be and still be in one episode: the session gap, or the
   * longest user-scope window if longer. Events further apart share no session and no attempt.
   */
  private long reach(List<FunnelDefinition> funnels) {
    long reach = gapMillis;
    for (FunnelDefinition f : funnels) {
      if (f.scope() == FunnelDefinition.Scope.USER) {
        reach = Math.max(reach, f.window().toMillis());
      }
    }
    return reach;
  }

  private List<List<Event>> sessions(List<Event> ordered) {
    return split(ordered, gapMillis);
  }

  /**
   * Splits one user's ordered events wherever the silence reaches {@code gap}. An episode (a user's
   * events at most the reach apart) evaluates its first {@code maxEpisodeEvents} events only.
   */
  private static List<List<Event>> split(List<Event> ordered, long gap) {
    List<List<Event>> sessions = new ArrayList<>();
    List<Event> current = new ArrayList<>();
    long lastTs = Long.MIN_VALUE;
    for (Event e : ordered) {
      if (!current.isEmpty() && e.timestampMillis() - lastTs >= gap) {
        sessions.add(current);
        current = new ArrayList<>();
      }
      current.add(e);
      lastTs = e.timestampMillis();
    }
    if (!current.isEmpty()) {
      sessions.add(current);
    }
    return sessions;
  }

  private static Map<String, List<Event>> byUser(Collection<Event> events) {
    Map<String, List<Event>> byUser = new HashMap<>();
    for (Event e : events) {
      byUser.computeIfAbsent(e.userId(), u -> new ArrayList<>()).add(e);
    }
    return byUser;
  }

  private static String key(Event e) {
    return e.userId() + "\u0000" + e.eventId();
  }

  /** The dimensions a live pipeline counts a session starting at {@code start} by. */
  private List<DimensionName> liveDimensions(long start) {
    return dimensions.names().stream().filter(d -> start >= liveFrom.getOrDefault(d, 0L)).toList();
  }

  /** The dimensions whose backfill counts a session starting at {@code start}. */
  private List<DimensionName> backfilledDimensions(long start) {
    return dimensions.names().stream()
        .filter(
            d -> {
              long[] range = backfilled.get(d);
              return range != null
                  && start < liveFrom.getOrDefault(d, 0L)
                  && start >= range[0]
                  && start < range[1];
            })
        .toList();
  }

  private void countSession(
      List<Event> session,
      List<DimensionName> by,
      Map<String, Long> counts,
      Map<String, Long> firstSeen,
      Map<String, Long> lastSeen) {
    for (Event e : session) {
      firstSeen.merge(e.name(), e.timestampMillis(), Math::min);
      lastSeen.merge(e.name(), e.timestampMillis(), Math::max);
      inc(counts, RedisKeys.CATALOG_TOTAL, e.name());
    }
    count(session, true, by, counts);
  }

  /**
   * The session started, each event and each conversion: into the undivided hashes if {@code
   * undivided}, and by each of {@code by}.
   */
  private static void count(
      List<Event> session, boolean undivided, List<DimensionName> by, Map<String, Long> counts) {
    Event firstTouch = session.get(0);
    long startMinute = firstTouch.timestampMillis() / 60_000L;
    countByValuesOf(counts, undivided, by, RedisKeys.METRIC_SESSIONS, startMinute, firstTouch);
    for (Event e : session) {
      countByValuesOf(counts, undivided, by, SessionFigures.METRIC_EVENTS, startMinute, firstTouch);
    }
    if (session.size() == 1) {
      countByValuesOf(
          counts, undivided, by, SessionFigures.METRIC_BOUNCES, startMinute, firstTouch);
    }
    long lengthSeconds =
        (session.get(session.size() - 1).timestampMillis() - firstTouch.timestampMillis()) / 1000;
    int bucket = SessionFigures.LENGTH_EDGES_SECONDS.size() - 1;
    while (SessionFigures.LENGTH_EDGES_SECONDS.get(bucket) > lengthSeconds) {
      bucket--;
    }
    countByValuesOf(
        counts, undivided, by, SessionFigures.lengthMetric(bucket), startMinute, firstTouch);
    for (Event e : session) {
      long minute = e.timestampMillis() / 60_000L;
      countByValuesOf(counts, undivided, by, RedisKeys.eventMetric(e.name()), minute, e);
      if (e.conversion() != null) {
        countByValuesOf(
            counts, undivided, by, RedisKeys.conversionMetric(e.conversion()), minute, firstTouch);
      }
    }
  }

  /**
   * A user's attempts over one episode, each by the first touch of the session holding its start.
   */
  private void countUserAttempts(
      FunnelDefinition f, List<Event> history, Map<String, Long> counts) {
    for (FunnelEvaluator.UserAttempt a : FunnelEvaluator.evaluateUser(f, history)) {
      if (a.result().startMillis() >= f.liveFromMillis()) {
        Event firstTouch = null;
        for (List<Event> session : sessions(history)) {
          if (session.get(0).timestampMillis() <= a.result().startMillis()) {
            firstTouch = session.get(0);
          }
        }
        countResult(f, a.result(), firstTouch, counts);
      }
    }
  }

  /** Every session is closed once the watermark has passed, so an incomplete result is dropped. */
  private static void countResult(
      FunnelDefinition f, FunnelResult r, Event firstTouch, Map<String, Long> counts) {
    String key = RedisKeys.funnelResults(f.id(), f.version(), r.startMillis() / 60_000L);
    for (int step = 1; step <= r.reached(); step++) {
      inc(counts, key, FunnelResultFields.reached(step));
      for (DimensionName d : f.breakdown()) {
        inc(
            counts,
            key,
            FunnelResultFields.reachedBy(d, step, DimensionName.field(d.valueOf(firstTouch))));
      }
      if (step > 1) {
        inc(
            counts,
            key,
            FunnelResultFields.secondsToStep(
                step, (r.reachedAt().get(step - 1) - r.startMillis()) / 1000));
      }
    }
    if (r.reached() < f.stepCount()) {
      inc(counts, key, FunnelResultFields.DROPPED);
    }
  }

  /**
   * One count in the metric's undivided hash and in each dimension's, under {@code e}'s value for
   * it: its key by the escaped name and its field as docs/redis-keys.md says a value (or its
   * absence) is stored. What the value is, is the data model's {@link DimensionName#valueOf}.
   */
  private static void countByValuesOf(
      Map<String, Long> counts,
      boolean undivided,
      List<DimensionName> by,
      String metric,
      long minute,
      Event e) {
    if (undivided) {
      inc(counts, RedisKeys.counts(metric, RedisKeys.UNDIVIDED, minute), RedisKeys.FIELD_TOTAL);
    }
    for (DimensionName d : by) {
      inc(
          counts,
          RedisKeys.counts(metric, RedisKeys.escape(d.wireName()), minute),
          DimensionName.field(d.valueOf(e)));
    }
  }

  private static void inc(Map<String, Long> counts, String key, String field) {
    counts.merge(Contribution.countField(key, field), 1L, Long::sum);
  }
}
