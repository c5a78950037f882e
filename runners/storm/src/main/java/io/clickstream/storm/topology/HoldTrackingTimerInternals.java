package io.clickstream.storm.topology;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;

/**
 * One key's in-memory timers that also remember the output timestamp of each pending timer: until a
 * timer fires, what it will output must not be late downstream, so the bolt holds its output
 * watermark at the earliest of them (as the Direct and Flink runners do).
 */
final class HoldTrackingTimerInternals extends InMemoryTimerInternals {
  /** How InMemoryTimerInternals identifies a timer: its namespace, id and family. */
  private record TimerKey(StateNamespace namespace, String timerId, String timerFamilyId) {
    static TimerKey of(TimerData timer) {
      return new TimerKey(timer.getNamespace(), timer.getTimerId(), timer.getTimerFamilyId());
    }
  }

  private final Map<TimerKey, Instant> outputTimestamps = new HashMap<>();

  @Override
  public void setTimer(TimerData timer) {
    super.setTimer(timer);
    outputTimestamps.put(TimerKey.of(timer), timer.getOutputTimestamp());
  }

  @Override
  public void deleteTimer(
      StateNamespace namespace, String timerId, String timerFamilyId, TimeDomain domain) {
    super.deleteTimer(namespace, timerId, timerFamilyId, domain);
    outputTimestamps.remove(new TimerKey(namespace, timerId, timerFamilyId));
  }

  @Override
  public void deleteTimer(StateNamespace namespace, String timerId, String timerFamilyId) {
    super.deleteTimer(namespace, timerId, timerFamilyId);
    outputTimestamps.remove(new TimerKey(namespace, timerId, timerFamilyId));
  }

  @Override
  public void deleteTimer(TimerData timer) {
    super.deleteTimer(timer);
    outputTimestamps.remove(TimerKey.of(timer));
  }

  @Override
  public TimerData removeNextEventTimer() {
    return fired(super.removeNextEventTimer());
  }

  @Override
  public TimerData removeNextProcessingTimer() {
    return fired(super.removeNextProcessingTimer());
  }

  @Override
  public TimerData removeNextSynchronizedProcessingTimer() {
    return fired(super.removeNextSynchronizedProcessingTimer());
  }

  private TimerData fired(TimerData timer) {
    if (timer != null) {
      outputTimestamps.remove(TimerKey.of(timer));
    }
    return timer;
  }

  /** The earliest output timestamp of a pending timer, or the end of time when none is. */
  Instant earliestHold() {
    Instant earliest = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (Instant hold : outputTimestamps.values()) {
      if (hold.isBefore(earliest)) {
        earliest = hold;
      }
    }
    return earliest;
  }
}
