package io.clickstream.core.funnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.clickstream.core.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The semantics of docs/funnels.md, one rule per test, on hand-made sessions (one event per
 * second).
 */
class FunnelEvaluatorTest {

  private static final String STEPS =
      "\"steps\":[{\"event\":\"a\"},{\"event\":\"b\"},{\"event\":\"c\"}]";

  @Test
  void sequentialStepsMayHaveOtherEventsInBetween() {
    FunnelDefinition f = funnel("{" + STEPS + "}");
    assertThat(reached(f, "x a x b a c")).contains(3);
  }

  @Test
  void sequentialMatchesEachStepAtTheFirstEventAfterThePreviousMatch() {
    FunnelDefinition f = funnel("{" + STEPS + "}");
    Optional<FunnelResult> r = FunnelEvaluator.evaluateSession(f, session("a b b c"));
    assertThat(r.orElseThrow().reachedAt()).containsExactly(0L, 1_000L, 3_000L);
    assertThat(r.orElseThrow().secondsToStep(3)).isEqualTo(3);
  }

  @Test
  void aSessionWithoutAStepOneEventHasNoResult() {
    assertThat(reached(funnel("{" + STEPS + "}"), "b c")).isEmpty();
  }

  @Test
  void strictEndsAnAttemptAtTheFirstEventThatIsNotTheNextStepAndKeepsTheBestAttempt() {
    FunnelDefinition f = funnel("{" + STEPS + ",\"order\":\"strict\"}");
    assertThat(reached(f, "a x b c")).contains(1);
    assertThat(reached(f, "a x a b x")).contains(2);
    assertThat(reached(f, "a a b c")).contains(3);
  }

  @Test
  void anyCountsDistinctStepsInAnyOrderFromTheEarliestMatchingEvent() {
    FunnelDefinition f = funnel("{" + STEPS + ",\"order\":\"any\"}");
    Optional<FunnelResult> r = FunnelEvaluator.evaluateSession(f, session("x c c a"));
    assertThat(r.orElseThrow().reached()).isEqualTo(2);
    assertThat(r.orElseThrow().startMillis()).isEqualTo(1_000L);
  }

  @Test
  void anExcludedEventBetweenTheTwoStepsRemovesTheAttempt() {
    FunnelDefinition f =
        funnel(
            "{" + STEPS + ",\"exclude\":[{\"event\":\"x\",\"after_step\":1,\"before_step\":2}]}");
    assertThat(reached(f, "a x b c")).isEmpty();
    assertThat(reached(f, "a b x c")).contains(3);
    assertThat(reached(f, "x a b c")).contains(3);
  }

  @Test
  void whenTheBeforeStepNeverMatchesAnExcludedEventAnywhereAfterTheAfterStepRemovesTheAttempt() {
    FunnelDefinition f =
        funnel(
            "{" + STEPS + ",\"exclude\":[{\"event\":\"x\",\"after_step\":1,\"before_step\":3}]}");
    assertThat(reached(f, "a b y x")).isEmpty();
    assertThat(reached(f, "a b y")).contains(2);
  }

  @Test
  void strictKeepsTheBestAttemptThatNoExclusionRemoved() {
    FunnelDefinition f =
        funnel(
            "{"
                + STEPS
                + ",\"order\":\"strict\",\"exclude\":[{\"event\":\"x\",\"after_step\":2}]}");
    assertThat(reached(f, "a b x a")).contains(1);
  }

  @Test
  void whereMatchesTheEventsOwnFieldsAndPropertiesByEquality() {
    FunnelDefinition f =
        funnel(
            "{\"steps\":[{\"event\":\"a\",\"where\":{\"page\":\"/landing\",\"properties.n\":2}},"
                + "{\"event\":\"b\",\"where\":{\"source\":\"google\"}}]}");
    Event good = event("1", "a", 0, "/landing", null, Map.of("n", 2.0));
    Event wrongPage = event("2", "a", 1, "/other", null, Map.of("n", 2L));
    Event b = event("3", "b", 2, null, "google", Map.of());
    assertThat(FunnelEvaluator.evaluateSession(f, List.of(wrongPage, b))).isEmpty();
    assertThat(FunnelEvaluator.evaluateSession(f, List.of(good, b)).orElseThrow().reached())
        .isEqualTo(2);
  }

  @Test
  void userScopeAttemptsSpanSessionsWithinTheWindowAndTheNextStartsAfterTheWindow() {
    FunnelDefinition f = funnel("{" + STEPS + ",\"scope\":\"user\",\"window\":\"PT10S\"}");
    // a@0 b@5 a@8 (inside the open attempt: no new one) c@20 (too late) a@21 b@22 c@23
    List<Event> history =
        List.of(
            event("1", "a", 0),
            event("2", "b", 5),
            event("3", "a", 8),
            event("4", "c", 20),
            event("5", "a", 21),
            event("6", "b", 22),
            event("7", "c", 23),
            event("8", "a", 24));
    List<FunnelEvaluator.UserAttempt> attempts = FunnelEvaluator.evaluateUser(f, history);
    assertThat(attempts).extracting(a -> a.result().reached()).containsExactly(2, 3, 1);
    assertThat(attempts)
        .extracting(a -> a.result().startMillis())
        .containsExactly(0L, 21_000L, 24_000L);
    assertThat(attempts)
        .extracting(FunnelEvaluator.UserAttempt::complete)
        .containsExactly(false, true, false);
  }

  private static Optional<Integer> reached(FunnelDefinition f, String names) {
    return FunnelEvaluator.evaluateSession(f, session(names)).map(FunnelResult::reached);
  }

  private static FunnelDefinition funnel(String json) {
    return FunnelDefinitions.parse(json, "f");
  }

  /** Events named as given, one second apart, in session order. */
  private static List<Event> session(String names) {
    List<Event> events = new ArrayList<>();
    String[] split = names.split(" ");
    for (int i = 0; i < split.length; i++) {
      events.add(event(Integer.toString(i), split[i], i));
    }
    return events;
  }

  private static Event event(String id, String name, int second) {
    return event(id, name, second, null, null, Map.of());
  }

  private static Event event(
      String id, String name, int second, String page, String source, Map<String, Object> props) {
    return new Event(id, "u1", name, second * 1000L, source, null, null, page, null, props);
  }
}
