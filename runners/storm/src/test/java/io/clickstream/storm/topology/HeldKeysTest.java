package io.clickstream.storm.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The index of a keyed bolt's keys: a watermark or a tick visits only the keys with a timer it
 * makes due, a visited key's clocks are the task's, and a key left with nothing is forgotten. The
 * bolts' own behaviour (firing, holds, cleanup) is covered end to end by the Storm suites.
 */
class HeldKeysTest {
  /** A key with real Beam timers and a hold the test sets. */
  private static final class TestKey implements HeldKeys.Held {
    final String name;
    final InMemoryTimerInternals timers = new InMemoryTimerInternals();
    Instant hold = BoundedWindow.TIMESTAMP_MAX_VALUE;

    TestKey(String name) {
      this.name = name;
    }

    @Override
    public InMemoryTimerInternals timers() {
      return timers;
    }

    @Override
    public Instant hold() {
      return hold;
    }

    @Override
    public boolean isEmpty() {
      return !timers.hasPendingTimers() && !hold.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE);
    }

    void setTimer(String id, long at, TimeDomain domain) {
      timers.setTimer(
          TimerData.of(id, StateNamespaces.global(), new Instant(at), new Instant(at), domain));
    }
  }

  private final List<String> forgotten = new ArrayList<>();
  private final HeldKeys<TestKey> keys = new HeldKeys<>(() -> forgotten.add("a key"));

  private TestKey workOn(String name) {
    return keys.workOn(name, k -> new TestKey(name));
  }

  @Test
  void aWatermarkVisitsOnlyTheKeysWithAnEventTimerBeforeIt() throws Exception {
    workOn("early").setTimer("t", 10, TimeDomain.EVENT_TIME);
    workOn("late").setTimer("t", 100, TimeDomain.EVENT_TIME);
    workOn("ticking").setTimer("t", 5, TimeDomain.PROCESSING_TIME);
    List<String> visited = new ArrayList<>();

    keys.visitDue(TimeDomain.EVENT_TIME, new Instant(50), key -> visited.add(key.name));
    keys.visitDue(TimeDomain.EVENT_TIME, new Instant(10), key -> visited.add("at 10: " + key.name));

    assertThat(visited).containsExactly("early");
  }

  @Test
  void aVisitedKeyFiresAtTheTasksClocksAndIsForgottenOnceItHasNothingLeft() throws Exception {
    workOn("a").setTimer("t", 10, TimeDomain.EVENT_TIME);
    workOn("b").setTimer("t", 20, TimeDomain.PROCESSING_TIME);
    List<TimerData> fired = new ArrayList<>();

    keys.visitDue(
        TimeDomain.EVENT_TIME,
        new Instant(50),
        key -> {
          keys.catchUp(key.timers(), new Instant(50), new Instant(40));
          fired.add(key.timers().removeNextEventTimer());
        });
    keys.visitDue(
        TimeDomain.PROCESSING_TIME,
        new Instant(30),
        key -> {
          keys.catchUp(key.timers(), new Instant(50), new Instant(50));
          assertThat(key.timers().currentProcessingTime()).isEqualTo(new Instant(30));
          fired.add(key.timers().removeNextProcessingTimer());
        });

    assertThat(fired)
        .extracting(TimerData::getTimestamp)
        .containsExactly(new Instant(10), new Instant(20));
    assertThat(forgotten).hasSize(2);
    assertThat(keys.outputWatermark(new Instant(60), new Instant(50))).isEqualTo(new Instant(60));
  }

  @Test
  void theOutputWatermarkIsHeldAtTheEarliestHoldButNeverGoesBack() throws Exception {
    TestKey a = workOn("a");
    a.hold = new Instant(30);
    workOn("b").hold = new Instant(40);

    assertThat(keys.outputWatermark(new Instant(100), new Instant(20))).isEqualTo(new Instant(30));
    assertThat(keys.outputWatermark(new Instant(100), new Instant(35))).isEqualTo(new Instant(35));

    workOn("a").hold = BoundedWindow.TIMESTAMP_MAX_VALUE;
    assertThat(keys.outputWatermark(new Instant(100), new Instant(35))).isEqualTo(new Instant(40));
    assertThat(forgotten).hasSize(1);
  }
}
