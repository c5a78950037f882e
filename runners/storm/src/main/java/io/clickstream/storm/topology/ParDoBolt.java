package io.clickstream.storm.topology;

import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.PushbackSideInputDoFnRunner;
import org.apache.beam.runners.core.SideInputReader;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.reflect.DoFnInvoker;
import org.apache.beam.sdk.transforms.reflect.DoFnInvokers;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;

/**
 * A stateless ParDo, run by Beam's {@link DoFnRunners#simpleRunner}, with its side inputs if it has
 * any ({@link SideInputs}: main-input elements wait until the side-input windows they need are
 * ready). A bundle lasts until the watermark moves or the next tick (about a second), or {@link
 * #MAX_BUNDLE_SIZE} elements, so that a DoFn that flushes in {@code @FinishBundle} (the Redis
 * writer) flushes about once a second, and always before the watermark that covers what it wrote
 * goes downstream.
 */
public final class ParDoBolt extends BeamBolt {
  private static final long serialVersionUID = 1L;
  private static final int MAX_BUNDLE_SIZE = 1000;

  /** What the bolt needs of the ParDo, all serializable. */
  public record Spec(
      DoFn<Object, Object> fn,
      TupleTag<Object> mainOutput,
      List<TupleTag<?>> outputs,
      Coder<Object> inputCoder,
      Map<TupleTag<?>, Coder<?>> outputCoders,
      WindowingStrategy<?, ?> windowingStrategy,
      DoFnSchemaInformation schemaInformation,
      Map<String, PCollectionView<?>> sideInputMapping)
      implements java.io.Serializable {

    /** Beam's simple runner of the ParDo, its outputs emitted on {@code bolt}'s streams. */
    DoFnRunner<Object, Object> simpleRunner(
        PipelineOptions options, SideInputReader sideInputs, StepContext context, BeamBolt bolt) {
      return DoFnRunners.simpleRunner(
          options,
          fn,
          sideInputs,
          new DoFnRunners.OutputManager() {
            @Override
            public <T> void output(TupleTag<T> tag, WindowedValue<T> output) {
              try {
                bolt.emit(outputs.indexOf(tag), output);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            }
          },
          mainOutput,
          outputs.stream().filter(tag -> !tag.equals(mainOutput)).toList(),
          context,
          inputCoder,
          outputCoders,
          windowingStrategy,
          schemaInformation,
          sideInputMapping);
    }
  }

  private final Spec spec;
  private final SideInputs sideInputs;

  private transient DoFnInvoker<Object, Object> invoker;
  private transient PushbackSideInputDoFnRunner<Object, Object> runner;
  private transient int bundleSize;

  public ParDoBolt(
      SerializablePipelineOptions options,
      String stepName,
      Map<String, WireFormat> inputs,
      Outputs outputs,
      Spec spec,
      SideInputs sideInputs) {
    super(options, stepName, inputs, outputs);
    this.spec = spec;
    this.sideInputs = sideInputs;
  }

  @Override
  protected void setUp() {
    invoker = DoFnInvokers.tryInvokeSetupFor(spec.fn(), options.get());
    DoFnRunner<Object, Object> simple =
        spec.simpleRunner(options.get(), sideInputs, new StatelessContext(), this);
    runner = sideInputs.setUp(simple);
  }

  @Override
  protected void processInput(String inputKey, WindowedValue<Object> element) {
    if (sideInputs.reads(inputKey)) {
      sideInputs.add(inputKey, element);
    } else {
      processElement(element);
    }
  }

  @Override
  protected void processElement(WindowedValue<Object> element) {
    if (bundleSize == 0) {
      runner.startBundle();
    }
    sideInputs.pushBack(runner.processElementInReadyWindows(element));
    if (++bundleSize >= MAX_BUNDLE_SIZE) {
      finishBundle();
    }
  }

  @Override
  protected Instant onInputWatermark(Instant watermark) {
    processWhatSideInputsMadeReady();
    finishBundle();
    Instant hold = sideInputs.hold();
    return hold.isBefore(watermark) ? hold : watermark;
  }

  @Override
  protected void onProcessingTime(Instant now) {
    processWhatSideInputsMadeReady();
    finishBundle();
  }

  /**
   * Retries the pushed-back elements once a side-input window is ready, in a new bundle: the
   * pushback runner remembers for a whole bundle which windows were not ready.
   */
  private void processWhatSideInputsMadeReady() {
    sideInputs.advance(this::watermarkOf);
    List<WindowedValue<Object>> retry = sideInputs.takePushedBackIfSomeBecameReady();
    if (!retry.isEmpty()) {
      finishBundle();
      retry.forEach(this::processElement);
    }
  }

  private void finishBundle() {
    if (bundleSize > 0) {
      runner.finishBundle();
      bundleSize = 0;
    }
  }

  @Override
  protected void tearDown() {
    finishBundle();
    invoker.invokeTeardown();
  }

  /** A stateless DoFn asks for neither state nor timers: the translator routes those elsewhere. */
  private static final class StatelessContext implements StepContext {
    @Override
    public StateInternals stateInternals() {
      throw new UnsupportedOperationException("A stateless ParDo has no state");
    }

    @Override
    public TimerInternals timerInternals() {
      throw new UnsupportedOperationException("A stateless ParDo has no timers");
    }
  }
}
