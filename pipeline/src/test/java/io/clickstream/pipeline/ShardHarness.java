package io.clickstream.pipeline;

import io.clickstream.core.Event;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn.MultiOutputReceiver;
import org.apache.beam.sdk.transforms.DoFn.OutputReceiver;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * Drives one shard of a {@link ShardedUserFn} without a runner, the way flink-training's harness
 * drives a function, so that a test can look at what it keeps: its state and its event-time timer.
 * Elements, early firings and the watermark are whatever the test says, in that order.
 */
final class ShardHarness<U, O> {

  private final ShardedUserFn<U, O> fn;
  private UserShard<U> state;
  private Long dueAt;

  /** What the function emitted on its main output. */
  final List<O> emitted = new ArrayList<>();

  ShardHarness(ShardedUserFn<U, O> fn) {
    this.fn = fn;
  }

  void add(Event event) {
    fn.process(KV.of(0, event), valueState(), timer(false), timer(true), receivers());
  }

  void fireEarly() {
    fn.onEarly(valueState(), receivers());
  }

  /** Fires the due timer for as long as it is at or before {@code millis}. */
  void advanceWatermarkTo(long millis) {
    while (dueAt != null && dueAt <= millis) {
      long at = dueAt;
      dueAt = null; // a timer that fired is no longer set
      fn.onDue(timerContext(at), valueState(), timer(true), receivers());
      if (dueAt != null && dueAt == at) {
        throw new AssertionError(
            "the due timer fired at " + at + " and was set again to the same time");
      }
    }
  }

  /** Whether the shard still keeps any state. */
  boolean stateLeft() {
    return state != null;
  }

  /** Whether an event-time timer is still set. */
  boolean timerLeft() {
    return dueAt != null;
  }

  @SuppressWarnings("unchecked")
  private ValueState<UserShard<U>> valueState() {
    return (ValueState<UserShard<U>>)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {ValueState.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "read" -> state;
                  case "write" -> {
                    state = (UserShard<U>) args[0];
                    yield null;
                  }
                  case "clear" -> {
                    state = null;
                    yield null;
                  }
                  case "readLater" -> proxy;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  /**
   * The due timer records where it is set; the early one (processing time) is fired by the test.
   */
  private Timer timer(boolean due) {
    return (Timer)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {Timer.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "set" -> {
                    if (due) {
                      dueAt = ((Instant) args[0]).getMillis();
                    }
                    yield null;
                  }
                  case "clear" -> {
                    if (due) {
                      dueAt = null;
                    }
                    yield null;
                  }
                  case "offset", "align", "withOutputTimestamp", "withNoOutputTimestamp" -> proxy;
                  case "setRelative" -> null;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  private MultiOutputReceiver receivers() {
    return new MultiOutputReceiver() {
      @Override
      @SuppressWarnings("unchecked")
      public <T> OutputReceiver<T> get(TupleTag<T> tag) {
        return (OutputReceiver<T>)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {OutputReceiver.class},
                (proxy, method, args) -> {
                  if (tag.equals(ShardedUserFn.SET_ASIDE)) {
                    return null;
                  }
                  emitted.add((O) args[0]);
                  return null;
                });
      }

      @Override
      public <T>
          org.apache.beam.sdk.transforms.DoFn.OutputReceiver<org.apache.beam.sdk.values.Row>
              getRowReceiver(TupleTag<T> tag) {
        throw new UnsupportedOperationException();
      }
    };
  }

  private ShardedUserFn<U, O>.OnTimerContext timerContext(long at) {
    return fn.new OnTimerContext() {
      @Override
      public Instant timestamp() {
        return new Instant(at);
      }

      @Override
      public Instant fireTimestamp() {
        return new Instant(at);
      }

      @Override
      public BoundedWindow window() {
        return GlobalWindow.INSTANCE;
      }

      @Override
      public TimeDomain timeDomain() {
        return TimeDomain.EVENT_TIME;
      }

      @Override
      public PipelineOptions getPipelineOptions() {
        throw new UnsupportedOperationException();
      }

      @Override
      public void output(O output) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void outputWithTimestamp(O output, Instant timestamp) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void outputWindowedValue(
          O output,
          Instant timestamp,
          java.util.Collection<? extends BoundedWindow> windows,
          PaneInfo pane) {
        throw new UnsupportedOperationException();
      }

      @Override
      public <T> void output(TupleTag<T> tag, T output) {
        throw new UnsupportedOperationException();
      }

      @Override
      public <T> void outputWithTimestamp(TupleTag<T> tag, T output, Instant timestamp) {
        throw new UnsupportedOperationException();
      }

      @Override
      public <T> void outputWindowedValue(
          TupleTag<T> tag,
          T output,
          Instant timestamp,
          java.util.Collection<? extends BoundedWindow> windows,
          PaneInfo pane) {
        throw new UnsupportedOperationException();
      }
    };
  }
}
