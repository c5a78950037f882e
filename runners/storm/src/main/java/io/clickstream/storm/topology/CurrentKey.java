package io.clickstream.storm.topology;

import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateContext;
import org.apache.beam.sdk.state.TimeDomain;
import org.joda.time.Instant;

/**
 * The state and timers of the key a bolt is working on. Beam's runners (and the cleanup timer and
 * state cleaner of {@code StatefulDoFnRunner}) are built once around one {@link StateInternals} and
 * one {@link TimerInternals}; this is both, forwarding to whichever key was {@link #switchTo
 * switched to}, so that one runner serves every key of the task.
 */
final class CurrentKey implements StepContext, StateInternals, TimerInternals {
  private StateInternals state;
  private TimerInternals timers;

  void switchTo(StateInternals state, TimerInternals timers) {
    this.state = state;
    this.timers = timers;
  }

  @Override
  public StateInternals stateInternals() {
    return this;
  }

  @Override
  public TimerInternals timerInternals() {
    return this;
  }

  @Override
  public Object getKey() {
    return state.getKey();
  }

  @Override
  public <T extends State> T state(
      StateNamespace namespace, StateTag<T> address, StateContext<?> context) {
    return state.state(namespace, address, context);
  }

  @Override
  public void setTimer(
      StateNamespace namespace,
      String timerId,
      String timerFamilyId,
      Instant target,
      Instant outputTimestamp,
      TimeDomain domain) {
    timers.setTimer(namespace, timerId, timerFamilyId, target, outputTimestamp, domain);
  }

  @Override
  @SuppressWarnings("deprecation")
  public void setTimer(TimerData timer) {
    timers.setTimer(timer);
  }

  @Override
  public void deleteTimer(
      StateNamespace namespace, String timerId, String timerFamilyId, TimeDomain domain) {
    timers.deleteTimer(namespace, timerId, timerFamilyId, domain);
  }

  @Override
  @SuppressWarnings("deprecation")
  public void deleteTimer(StateNamespace namespace, String timerId, String timerFamilyId) {
    timers.deleteTimer(namespace, timerId, timerFamilyId);
  }

  @Override
  @SuppressWarnings("deprecation")
  public void deleteTimer(TimerData timer) {
    timers.deleteTimer(timer);
  }

  @Override
  public Instant currentProcessingTime() {
    return timers.currentProcessingTime();
  }

  @Override
  public Instant currentSynchronizedProcessingTime() {
    return timers.currentSynchronizedProcessingTime();
  }

  @Override
  public Instant currentInputWatermarkTime() {
    return timers.currentInputWatermarkTime();
  }

  @Override
  public Instant currentOutputWatermarkTime() {
    return timers.currentOutputWatermarkTime();
  }
}
