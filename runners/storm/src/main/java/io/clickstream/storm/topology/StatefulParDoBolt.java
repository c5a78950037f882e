package io.clickstream.storm.topology;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.NullSideInputReader;
import org.apache.beam.runners.core.StateNamespaces;
import org.apache.beam.runners.core.StatefulDoFnRunner;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Instant;

/**
 * A ParDo with state or timers, run by Beam's {@link StatefulDoFnRunner} around its simple runner:
 * late elements dropped, and each window's state cleared by a garbage-collection timer once the
 * window has expired (its end plus the allowed lateness). Its input comes by a fields grouping on
 * the encoded key, as into a GroupByKey, so that each key's state lives in one task; each key has
 * its own in-memory state and timers, and is forgotten once both are empty.
 *
 * <p>Event-time timers fire as the input watermark passes them, processing-time timers on Storm's
 * tick (and all at once when the input is over: every window has then expired, so the runner drops
 * them). The output watermark is held at the earliest output timestamp of a pending timer and at
 * the earliest watermark hold, so that what a timer outputs later is never late downstream. Bundles
 * last as in {@link ParDoBolt}.
 */
public final class StatefulParDoBolt extends BeamBolt {
  private static final long serialVersionUID = 1L;
  private static final int MAX_BUNDLE_SIZE = 1000;

  /** Keys whose state or timers this step holds, summed over its tasks: zero once all is clean. */
  public static final String KEYS_HELD = "storm.keysHeld";

  private final ParDoBolt.Spec spec;

  private transient Map<Object, Key> keys;
  private transient CurrentKey current;
  private transient DoFnInvoker<Object, Object> invoker;
  private transient DoFnRunner<Object, Object> runner;
  private transient Key currentKey;
  private transient Counter keysHeld;
  private transient boolean inBundle;
  private transient int bundleSize;

  /** One key's state and timers. */
  private record Key(
      Object key, HoldTrackingStateInternals state, HoldTrackingTimerInternals timers) {
    boolean isEmpty() {
      return !timers.hasPendingTimers() && state.isEmpty();
    }
  }

  public StatefulParDoBolt(
      SerializablePipelineOptions options,
      String stepName,
      Map<String, WireFormat> inputs,
      Outputs outputs,
      ParDoBolt.Spec spec) {
    super(options, stepName, inputs, outputs);
    this.spec = spec;
  }

  @Override
  @SuppressWarnings("unchecked")
  protected void setUp() {
    keys = new HashMap<>();
    current = new CurrentKey();
    keysHeld = Metrics.counter(StatefulParDoBolt.class, KEYS_HELD);
    invoker = DoFnInvokers.tryInvokeSetupFor(spec.fn(), options.get());
    DoFnRunner<Object, Object> simple =
        spec.simpleRunner(options.get(), NullSideInputReader.empty(), current, this);
    Coder<BoundedWindow> windowCoder =
        (Coder<BoundedWindow>) spec.windowingStrategy().getWindowFn().windowCoder();
    StatefulDoFnRunner.StateInternalsStateCleaner<BoundedWindow> cleaner =
        new StatefulDoFnRunner.StateInternalsStateCleaner<>(spec.fn(), current, windowCoder);
    runner =
        DoFnRunners.defaultStatefulDoFnRunner(
            spec.fn(),
            spec.inputCoder(),
            simple,
            current,
            spec.windowingStrategy(),
            new StatefulDoFnRunner.TimeInternalsCleanupTimer<>(current, spec.windowingStrategy()),
            (BoundedWindow window) -> {
              cleaner.clearForWindow(window);
              // Cleared cells stay in the key's table; an expired window's are dropped outright.
              currentKey.state().forget(StateNamespaces.window(windowCoder, window));
            });
  }

  @Override
  @SuppressWarnings("unchecked")
  protected void processElement(WindowedValue<Object> element) throws Exception {
    Object key = ((KV<Object, Object>) element.getValue()).getKey();
    Key state = keys.computeIfAbsent(structural(key), k -> newKey(key));
    Instant now = processingTime();
    if (now.isAfter(state.timers().currentProcessingTime())) {
      state.timers().advanceProcessingTime(now);
    }
    switchTo(state);
    runner.processElement(element);
    if (++bundleSize >= MAX_BUNDLE_SIZE) {
      finishBundle();
    }
  }

  @SuppressWarnings("unchecked")
  private Object structural(Object key) {
    Coder<?> inputCoder = spec.inputCoder();
    return ((KvCoder<Object, Object>) inputCoder).getKeyCoder().structuralValue(key);
  }

  private Key newKey(Object key) {
    HoldTrackingTimerInternals timers = new HoldTrackingTimerInternals();
    try {
      timers.advanceInputWatermark(inputWatermark());
      timers.advanceOutputWatermark(outputWatermark());
      timers.advanceProcessingTime(processingTime());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    keysHeld.inc();
    return new Key(key, new HoldTrackingStateInternals(key), timers);
  }

  @Override
  protected Instant onInputWatermark(Instant watermark) throws Exception {
    fireDue(
        timers -> {
          timers.advanceInputWatermark(watermark);
          return timers::removeNextEventTimer;
        });
    if (!watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      // The input is over and every window expired: what waits for processing time is dropped.
      fireDue(
          timers -> {
            timers.advanceProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
            return timers::removeNextProcessingTimer;
          });
    }
    finishBundle();
    return heldOutputWatermark();
  }

  @Override
  protected void onProcessingTime(Instant now) throws Exception {
    fireDue(
        timers -> {
          if (now.isAfter(timers.currentProcessingTime())) {
            timers.advanceProcessingTime(now);
          }
          return timers::removeNextProcessingTimer;
        });
    finishBundle();
    // A timer that fired released its hold: the output watermark may move without the input's.
    forwardWatermark(heldOutputWatermark());
  }

  /** The input watermark held back by the keys' watermark holds and pending timers. */
  private Instant heldOutputWatermark() {
    Instant output = inputWatermark();
    for (Key key : keys.values()) {
      Instant hold = earlier(key.state().earliestHold(), key.timers().earliestHold());
      output = earlier(output, hold);
    }
    Instant advanced = output.isAfter(outputWatermark()) ? output : outputWatermark();
    for (Key key : keys.values()) {
      key.timers().advanceOutputWatermark(advanced);
    }
    return advanced;
  }

  private static Instant earlier(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  /** Moves a key's clock and says which of its timers are then due. */
  private interface Clock {
    Supplier<TimerData> advance(HoldTrackingTimerInternals timers) throws Exception;
  }

  /**
   * Fires, key by key, every timer the clock makes due, including those that firing sets for a time
   * already past; then forgets the keys left with neither state nor timers.
   */
  private void fireDue(Clock clock) throws Exception {
    for (Iterator<Key> it = keys.values().iterator(); it.hasNext(); ) {
      Key key = it.next();
      Supplier<TimerData> due = clock.advance(key.timers());
      for (TimerData timer = due.get(); timer != null; timer = due.get()) {
        switchTo(key);
        fire(key, timer);
      }
      if (key.isEmpty()) {
        it.remove();
        keysHeld.dec();
      }
    }
  }

  private void fire(Key key, TimerData timer) {
    BoundedWindow window = ((StateNamespaces.WindowNamespace<?>) timer.getNamespace()).getWindow();
    runner.onTimer(
        timer.getTimerId(),
        timer.getTimerFamilyId(),
        key.key(),
        window,
        timer.getTimestamp(),
        timer.getOutputTimestamp(),
        timer.getDomain());
  }

  /** Makes {@code key} the one the runner works on, in a bundle. */
  private void switchTo(Key key) {
    if (!inBundle) {
      runner.startBundle();
      inBundle = true;
    }
    currentKey = key;
    current.switchTo(key.state(), key.timers());
  }

  private void finishBundle() {
    if (inBundle) {
      runner.finishBundle();
      inBundle = false;
      bundleSize = 0;
    }
  }

  @Override
  protected void tearDown() {
    finishBundle();
    invoker.invokeTeardown();
  }
}
