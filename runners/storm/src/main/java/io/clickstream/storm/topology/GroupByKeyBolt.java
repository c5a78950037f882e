package io.clickstream.storm.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.GroupAlsoByWindowViaWindowSetNewDoFn;
import org.apache.beam.runners.core.InMemoryTimerInternals;
import org.apache.beam.runners.core.KeyedWorkItem;
import org.apache.beam.runners.core.KeyedWorkItems;
import org.apache.beam.runners.core.NullSideInputReader;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.SystemReduceFn;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;

/**
 * GroupByKey: Beam's ReduceFnRunner (through {@link GroupAlsoByWindowViaWindowSetNewDoFn}) per key,
 * with merging windows, triggers, allowed lateness and late-data dropping as the model defines
 * them. Its input comes by a fields grouping on the encoded key, so all of a key's elements reach
 * one task. Each key has its own in-memory state and timers; a key whose timers have all fired has
 * no state left (every window's state has a garbage-collection timer) and is forgotten.
 */
public final class GroupByKeyBolt extends BeamBolt {
  private static final long serialVersionUID = 1L;

  private final KvCoder<Object, Object> inputCoder;
  private final WindowingStrategy<?, BoundedWindow> windowingStrategy;
  private final TupleTag<KV<Object, Iterable<Object>>> mainOutput = new TupleTag<>("grouped");

  private transient HeldKeys<KeyState> keys;
  private transient KeyState current;
  private transient DoFnRunner<KeyedWorkItem<Object, Object>, KV<Object, Iterable<Object>>> runner;

  /** One key's state and timers. */
  private record KeyState(
      Object key, HoldTrackingStateInternals state, InMemoryTimerInternals timers)
      implements HeldKeys.Held {
    @Override
    public Instant hold() {
      return state.earliestHold();
    }

    /** Every window's state has a garbage-collection timer: no timer, no state. */
    @Override
    public boolean isEmpty() {
      return !timers.hasPendingTimers();
    }
  }

  public GroupByKeyBolt(
      SerializablePipelineOptions options,
      String stepName,
      Map<String, WireFormat> inputs,
      Outputs outputs,
      KvCoder<Object, Object> inputCoder,
      WindowingStrategy<?, BoundedWindow> windowingStrategy) {
    super(options, stepName, inputs, outputs);
    this.inputCoder = inputCoder;
    this.windowingStrategy = windowingStrategy;
  }

  @Override
  protected void setUp() {
    keys = new HeldKeys<>(() -> {});
    DoFnRunners.OutputManager output =
        new DoFnRunners.OutputManager() {
          @Override
          public <T> void output(TupleTag<T> tag, WindowedValue<T> value) {
            try {
              emit(0, value);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
        };
    DoFn<KeyedWorkItem<Object, Object>, KV<Object, Iterable<Object>>> groupAlsoByWindow =
        GroupAlsoByWindowViaWindowSetNewDoFn.create(
            windowingStrategy,
            key -> current.state(),
            key -> current.timers(),
            NullSideInputReader.empty(),
            SystemReduceFn.buffering(inputCoder.getValueCoder()),
            output,
            mainOutput);
    runner =
        DoFnRunners.simpleRunner(
            options.get(),
            groupAlsoByWindow,
            NullSideInputReader.empty(),
            output,
            mainOutput,
            List.of(),
            new StepContext() {
              @Override
              public StateInternals stateInternals() {
                return current.state();
              }

              @Override
              public TimerInternals timerInternals() {
                return current.timers();
              }
            },
            null,
            Map.of(),
            windowingStrategy,
            DoFnSchemaInformation.create(),
            Map.of());
    runner.startBundle();
  }

  @Override
  @SuppressWarnings("unchecked")
  protected void processElement(WindowedValue<Object> element) throws Exception {
    KV<Object, Object> kv = (KV<Object, Object>) element.getValue();
    workOn(keys.workOn(structural(kv.getKey()), k -> newKeyState(kv.getKey())));
    WindowedValue<Object> value = element.withValue(kv.getValue());
    // Late-data dropping reads the key's input watermark, so it wraps the runner per key.
    DoFnRunners.lateDataDroppingRunner(runner, current.timers(), windowingStrategy)
        .processElement(
            WindowedValue.valueInGlobalWindow(
                KeyedWorkItems.elementsWorkItem(kv.getKey(), List.of(value))));
  }

  private Object structural(Object key) {
    return inputCoder.getKeyCoder().structuralValue(key);
  }

  private KeyState newKeyState(Object key) {
    InMemoryTimerInternals timers = new InMemoryTimerInternals();
    try {
      timers.advanceProcessingTime(processingTime());
      timers.advanceSynchronizedProcessingTime(processingTime());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return new KeyState(key, new HoldTrackingStateInternals(key), timers);
  }

  /** Makes {@code key} the one the runner works on, its clocks at the task's. */
  private void workOn(KeyState key) throws Exception {
    current = key;
    keys.catchUp(key.timers(), inputWatermark(), outputWatermark());
  }

  @Override
  protected Instant onInputWatermark(Instant watermark) throws Exception {
    keys.visitDue(
        TimeDomain.EVENT_TIME, watermark, key -> fireDue(key, key.timers()::removeNextEventTimer));
    if (!watermark.isBefore(BoundedWindow.TIMESTAMP_MAX_VALUE)) {
      // The input is over: processing time will not matter any more, so what waits for it fires
      // now.
      onProcessingTime(BoundedWindow.TIMESTAMP_MAX_VALUE);
    }
    return keys.outputWatermark(watermark, outputWatermark());
  }

  @Override
  protected void onProcessingTime(Instant now) throws Exception {
    // Synchronized processing time (continuation triggers downstream of AfterProcessingTime) is
    // taken to be the task's processing time, as the Flink runner does.
    keys.visitDue(
        TimeDomain.PROCESSING_TIME,
        now,
        key ->
            fireDue(
                key,
                () -> {
                  TimerData timer = key.timers().removeNextProcessingTimer();
                  return timer != null
                      ? timer
                      : key.timers().removeNextSynchronizedProcessingTimer();
                }));
  }

  /**
   * Fires every timer of a key that its clock, brought to the task's, makes due, including timers
   * that firing sets for a time already past (the garbage collection after the end of a window), in
   * batches as ReduceFnRunner takes them.
   */
  private void fireDue(KeyState key, Supplier<TimerData> due) throws Exception {
    workOn(key);
    List<TimerData> fired = drain(due);
    while (!fired.isEmpty()) {
      runner.processElement(
          WindowedValue.valueInGlobalWindow(KeyedWorkItems.timersWorkItem(key.key(), fired)));
      fired = drain(due);
    }
    current = null;
  }

  private static List<TimerData> drain(Supplier<TimerData> due) {
    List<TimerData> timers = new ArrayList<>();
    for (TimerData timer = due.get(); timer != null; timer = due.get()) {
      timers.add(timer);
    }
    return timers;
  }

  @Override
  protected void tearDown() {}
}
