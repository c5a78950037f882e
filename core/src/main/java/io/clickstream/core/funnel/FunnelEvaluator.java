package io.clickstream.core.funnel;

import io.clickstream.core.Event;
import io.clickstream.core.SaturatingTime;
import io.clickstream.core.funnel.FunnelDefinition.Exclusion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The funnel semantics of docs/funnels.md over events already in session order (event time, then
 * event id; one per event id). Pure functions: the pipeline and the backfill call them on a
 * session's or a user's events, so live and backfilled results agree by construction.
 */
public final class FunnelEvaluator {

  private FunnelEvaluator() {}

  /** A session's result: its best surviving attempt, or empty when no attempt counts. */
  public static Optional<FunnelResult> evaluateSession(FunnelDefinition f, List<Event> session) {
    return switch (f.order()) {
      case SEQUENTIAL ->
          sequential(f, session, 0, session.size(), Long.MAX_VALUE)
              .filter(a -> !excluded(f, session, a.indices, session.size()))
              .map(Attempt::result);
      case STRICT -> best(strictAttempts(f, session), f, session);
      case ANY ->
          any(f, session)
              .filter(a -> !excluded(f, session, a.indices, session.size()))
              .map(Attempt::result);
    };
  }

  /**
   * A user's attempts (user scope, sequential): each starts at a step-1 event and matches among
   * events at most {@code window} after it; the next starts at the first step-1 event after the
   * last match of a completed attempt, or after the window of an incomplete one.
   */
  public static List<UserAttempt> evaluateUser(FunnelDefinition f, List<Event> history) {
    List<UserAttempt> attempts = new ArrayList<>();
    long window = SaturatingTime.millis(f.window());
    int i = 0;
    while (i < history.size()) {
      Event e = history.get(i);
      if (!f.steps().get(0).matches(e)) {
        i++;
        continue;
      }
      long windowEnd = SaturatingTime.plus(e.timestampMillis(), window);
      int scopeEnd = firstAfter(history, i, windowEnd);
      Attempt attempt = sequential(f, history, i, scopeEnd, windowEnd).orElseThrow();
      if (!excluded(f, history, attempt.indices, scopeEnd)) {
        attempts.add(
            new UserAttempt(attempt.result(), windowEnd, attempt.reached() == f.stepCount()));
      }
      i =
          attempt.reached() == f.stepCount()
              ? attempt.indices.get(attempt.reached() - 1) + 1
              : scopeEnd;
    }
    return attempts;
  }

  /**
   * A user-scope attempt.
   *
   * @param windowEndMillis after this event time the attempt can no longer progress
   * @param complete whether it reached the last step
   */
  public record UserAttempt(FunnelResult result, long windowEndMillis, boolean complete) {}

  /**
   * @param indices each step's event index (-1 when unmatched; steps past the list are unmatched)
   * @param times the event time at which step 1, 2, ... was reached
   */
  private record Attempt(List<Integer> indices, List<Long> times) {
    int reached() {
      return times.size();
    }

    FunnelResult result() {
      int start = indices.stream().filter(i -> i >= 0).min(Integer::compare).orElseThrow();
      return new FunnelResult(times.size(), times, start);
    }
  }

  /** Greedy sequential matching from the first step-1 event at or after {@code from}. */
  private static Optional<Attempt> sequential(
      FunnelDefinition f, List<Event> events, int from, int to, long maxTime) {
    List<Integer> indices = new ArrayList<>();
    List<Long> times = new ArrayList<>();
    for (int i = from; i < to && indices.size() < f.stepCount(); i++) {
      Event e = events.get(i);
      if (e.timestampMillis() > maxTime) {
        break;
      }
      if (f.steps().get(indices.size()).matches(e)) {
        indices.add(i);
        times.add(e.timestampMillis());
      }
    }
    return indices.isEmpty() ? Optional.empty() : Optional.of(new Attempt(indices, times));
  }

  /** Every strict attempt: after step 1, each next event must match the next step. */
  private static List<Attempt> strictAttempts(FunnelDefinition f, List<Event> session) {
    List<Attempt> attempts = new ArrayList<>();
    int i = 0;
    while (i < session.size()) {
      if (!f.steps().get(0).matches(session.get(i))) {
        i++;
        continue;
      }
      List<Integer> indices = new ArrayList<>(List.of(i));
      List<Long> times = new ArrayList<>(List.of(session.get(i).timestampMillis()));
      int j = i + 1;
      while (j < session.size()
          && indices.size() < f.stepCount()
          && f.steps().get(indices.size()).matches(session.get(j))) {
        indices.add(j);
        times.add(session.get(j).timestampMillis());
        j++;
      }
      attempts.add(new Attempt(indices, times));
      // The event that broke the attempt may itself start the next one.
      i = j;
    }
    return attempts;
  }

  /** "any": the steps that occurred, in the order their first occurrences did. */
  private static Optional<Attempt> any(FunnelDefinition f, List<Event> session) {
    List<Integer> firstIndex = new ArrayList<>();
    for (FunnelStep step : f.steps()) {
      int found = -1;
      for (int i = 0; i < session.size() && found < 0; i++) {
        if (step.matches(session.get(i))) {
          found = i;
        }
      }
      firstIndex.add(found);
    }
    List<Integer> occurred = firstIndex.stream().filter(i -> i >= 0).sorted().toList();
    if (occurred.isEmpty()) {
      return Optional.empty();
    }
    // Exclusions refer to steps by number, so the attempt keeps each step's own match (or -1).
    List<Long> times = occurred.stream().map(i -> session.get(i).timestampMillis()).toList();
    return Optional.of(new Attempt(firstIndex, times));
  }

  private static Optional<FunnelResult> best(
      List<Attempt> attempts, FunnelDefinition f, List<Event> session) {
    Attempt best = null;
    for (Attempt a : attempts) {
      if (!excluded(f, session, a.indices, session.size())
          && (best == null || a.reached() > best.reached())) {
        best = a;
      }
    }
    return Optional.ofNullable(best).map(Attempt::result);
  }

  /**
   * Whether an exclusion voids the attempt: an excluded event after the match of {@code after_step}
   * and before the match of {@code before_step} (or anywhere before {@code scopeEnd} when that step
   * never matched). {@code stepIndices} holds each step's event index, -1 or absent when unmatched.
   */
  private static boolean excluded(
      FunnelDefinition f, List<Event> events, List<Integer> stepIndices, int scopeEnd) {
    for (Exclusion x : f.exclusions()) {
      int after = indexOfStep(stepIndices, x.afterStep());
      if (after < 0) {
        continue;
      }
      int before = x.beforeStep() == null ? -1 : indexOfStep(stepIndices, x.beforeStep());
      int end = before < 0 ? scopeEnd : before;
      for (int i = after + 1; i < end; i++) {
        if (x.event().matches(events.get(i))) {
          return true;
        }
      }
    }
    return false;
  }

  private static int indexOfStep(List<Integer> stepIndices, int step) {
    return step <= stepIndices.size() ? stepIndices.get(step - 1) : -1;
  }

  private static int firstAfter(List<Event> events, int from, long time) {
    int i = from;
    while (i < events.size() && events.get(i).timestampMillis() <= time) {
      i++;
    }
    return i;
  }
}
