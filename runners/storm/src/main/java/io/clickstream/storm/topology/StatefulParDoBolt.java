package io.clickstream.storm.topology;

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
import org.apache.beam.sdk.state.TimeDomain;
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

  private transient HeldKeys<Key> keys;
  private transient CurrentKey current;
  private transient DoFnInvoker<Object, Object> invoker;
  private transient DoFnRunner<Object, Object> runner;
  private transient Key currentKey;
  private transient Counter keysHeld;
  private transient boolean inBundle;
  private transient int bundleSize;

  /** One key's state and timers. */
  private record Key(
      Object key, HoldTrackingStateInternals state, HoldTrackingTimerInternals timers)
      implements HeldKeys.Held {
    @Override
    public Instant hold() {
      return HeldKeys.earlier(state.earliestHold(), timers.earliestHold());
    }

    @Override
    public boolean isEmpty() {
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
    current = new CurrentKey();
    keysHeld = Metrics.counter(StatefulParDoBolt.class, KEYS_HELD);
    keys = new HeldKeys<>(keysHeld::dec);
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
    Key state = keys.workOn(structural(key), k -> newKey(key));
    switchTo(state);
    Instant now = processingTime();
    if (now.isAfter(state.timers().currentProcessingTime())) {
      state.timers().advanceProcessingTime(now);
    }
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
    keysHeld.inc();
    return new Key(key, new HoldTrackingStateInternals(key), new HoldTrackingTimerInternals());
  }

  @Override
  protected Instant onInputWatermark(Instant watermark) throws Exception {
    keys.visitDue(
        TimeDomain.EVENT_TIME, watermark, key -> fireDue(key, key.timers()::removeNextEventTimer));
    if (!watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      // The input is over and every window expired: what waits for processing time is dropped.
      fireProcessingTimers(BoundedWindow.TIMESTAMP_MAX_VALUE);
    }
    finishBundle();
    return heldOutputWatermark();
  }

  @Override
  protected void onProcessingTime(Instant now) throws Exception {
    fireProcessingTimers(now);
    finishBundle();
    // A timer that fired released its hold: the output watermark may move without the input's.
    forwardWatermark(heldOutputWatermark());
  }

  private void fireProcessingTimers(Instant now) throws Exception {
    keys.visitDue(
        TimeDomain.PROCESSING_TIME,
        now,
        key -> fireDue(key, key.timers()::removeNextProcessingTimer));
  }

  /** The input watermark held back by the keys' watermark holds and pending timers. */
  private Instant heldOutputWatermark() {
    return keys.outputWatermark(inputWatermark(), outputWatermark());
  }

  /**
   * Fires, one by one, every timer of a key that its clock, brought to the task's, makes due,
   * including those that firing sets for a time already past.
   */
  private void fireDue(Key key, Supplier<TimerData> due) throws Exception {
    switchTo(key);
    for (TimerData timer = due.get(); timer != null; timer = due.get()) {
      fire(key, timer);
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

  /** Makes {@code key} the one the runner works on, in a bundle, its clocks at the task's. */
  private void switchTo(Key key) throws Exception {
    keys.catchUp(key.timers(), inputWatermark(), outputWatermark());
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
