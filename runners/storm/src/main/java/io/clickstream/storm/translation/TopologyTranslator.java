package io.clickstream.storm.translation;

import io.clickstream.storm.StormPipelineOptions;
import io.clickstream.storm.topology.AssignWindowsBolt;
import io.clickstream.storm.topology.BeamBolt;
import io.clickstream.storm.topology.BeamSpout;
import io.clickstream.storm.topology.BoundedSourceSpout;
import io.clickstream.storm.topology.GroupByKeyBolt;
import io.clickstream.storm.topology.ImpulseSpout;
import io.clickstream.storm.topology.JobEndBolt;
import io.clickstream.storm.topology.Outputs;
import io.clickstream.storm.topology.ParDoBolt;
import io.clickstream.storm.topology.ReshuffleBolt;
import io.clickstream.storm.topology.StatefulParDoBolt;
import io.clickstream.storm.topology.TestStreamSpout;
import io.clickstream.storm.topology.UnboundedSourceSpout;
import io.clickstream.storm.topology.WireFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.io.BoundedSource;
import org.apache.beam.sdk.io.UnboundedSource;
import org.apache.beam.sdk.runners.AppliedPTransform;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Redistribute;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.transforms.windowing.WindowFn;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.construction.ParDoTranslation;
import org.apache.beam.sdk.util.construction.SplittableParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.apache.storm.Config;
import org.apache.storm.generated.StormTopology;
import org.apache.storm.topology.BoltDeclarer;
import org.apache.storm.topology.TopologyBuilder;
import org.apache.storm.tuple.Fields;

/**
 * Turns a pipeline into a Storm topology: a spout per read, a bolt per primitive transform, and a
 * subscription per PCollection it reads (a shuffle, or a fields grouping on the encoded key into a
 * GroupByKey) plus one to each producer's watermark stream. A Flatten has no bolt of its own: its
 * consumers subscribe to all of its inputs. Any other primitive fails here, by name. On a cluster
 * one more bolt tells Nimbus when every task has finished ({@link JobEndBolt}).
 */
public final class TopologyTranslator extends Pipeline.PipelineVisitor.Defaults {

  /** A data stream that carries a PCollection: the component that writes it, and which output. */
  record Producer(String component, String stream, WireFormat format) {}

  private final SerializablePipelineOptions options;
  private final String jobId;
  private final int parallelism;
  private final TopologyBuilder builder = new TopologyBuilder();
  private final Map<PValue, List<Producer>> producers = new HashMap<>();
  private final List<String> components = new ArrayList<>();
  private Pipeline pipeline;
  private int tasks;

  public TopologyTranslator(SerializablePipelineOptions options, String jobId, int parallelism) {
    this.options = options;
    this.jobId = jobId;
    this.parallelism = parallelism;
  }

  /**
   * The topology, how many tasks run its transforms, and the topology settings it is meant to run
   * with ({@link #EXECUTOR_SETTINGS}).
   */
  public record Translation(StormTopology topology, int tasks, Map<String, Object> config) {}

  /**
   * How an executor waits when its queue is empty: one spin, then sleeps of 5 ms. Storm's default
   * first parks a thousand times for a nanosecond, a system call each, after every tuple; with a
   * pipeline's 30-odd executors on 2 cores that kept the JVM's kernel time at 38 % of the machine
   * through a drain, 10 % with these settings (docs/benchmarks.md, run AB). A tuple that arrives to
   * an idle executor waits up to 5 ms more; a busy one never sleeps.
   */
  static final Map<String, Object> EXECUTOR_SETTINGS =
      Map.of(
          Config.TOPOLOGY_BOLT_WAIT_PROGRESSIVE_LEVEL1_COUNT, 1,
          Config.TOPOLOGY_BOLT_WAIT_PROGRESSIVE_LEVEL2_COUNT, 0,
          Config.TOPOLOGY_BOLT_WAIT_PROGRESSIVE_LEVEL3_SLEEP_MILLIS, 5);

  public Translation translate(Pipeline pipeline) {
    this.pipeline = pipeline;
    pipeline.traverseTopologically(this);
    if (!options.get().as(StormPipelineOptions.class).getLocalCluster()) {
      addJobEnd();
    }
    return new Translation(builder.createTopology(), tasks, EXECUTOR_SETTINGS);
  }

  /**
   * Reshuffle and Redistribute run as a Storm grouping into a pass-through bolt, not as their
   * expansion: through a GroupByKey, every random key would keep its window's state and timers
   * until the end of the window plus an allowed lateness of forever.
   */
  @Override
  public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
    PTransform<?, ?> transform = node.getTransform();
    if (transform instanceof Reshuffle.ViaRandomKey<?>
        || transform instanceof Redistribute.RedistributeArbitrarily<?>) {
      translateReshuffle(node, BoltDeclarer::shuffleGrouping);
    } else if (transform instanceof Reshuffle<?, ?>
        || transform instanceof Redistribute.RedistributeByKey<?, ?>) {
      translateReshuffle(node, TopologyTranslator::byKey);
    } else {
      return CompositeBehavior.ENTER_TRANSFORM;
    }
    return CompositeBehavior.DO_NOT_ENTER_TRANSFORM;
  }

  private void translateReshuffle(TransformHierarchy.Node node, DataGrouping grouping) {
    PCollection<?> input = mainInput(node);
    BoltDeclarer bolt =
        addBolt(
            node, new ReshuffleBolt(options, node.getFullName(), inputsOf(input), outputsOf(node)));
    subscribe(bolt, input, grouping);
  }

  @Override
  public void visitPrimitiveTransform(TransformHierarchy.Node node) {
    PTransform<?, ?> transform = node.getTransform();
    if (transform instanceof Impulse) {
      addSpout(node, 1, new ImpulseSpout(options, outputsOf(node)));
    } else if (transform instanceof SplittableParDo.PrimitiveBoundedRead<?> read) {
      addSpout(node, parallelism, new BoundedSourceSpout(options, outputsOf(node), splits(read)));
    } else if (transform instanceof SplittableParDo.PrimitiveUnboundedRead<?> read) {
      List<UnboundedSource<Object, ?>> splits = splits(read);
      addSpout(node, splits.size(), new UnboundedSourceSpout(options, outputsOf(node), splits));
    } else if (transform instanceof TestStream<?> testStream) {
      addSpout(node, 1, testStreamSpout(node, testStream));
    } else if (transform instanceof ParDo.MultiOutput<?, ?> parDo) {
      translateParDo(node, parDo);
    } else if (transform instanceof GroupByKey<?, ?>) {
      translateGroupByKey(node);
    } else if (transform instanceof Window.Assign<?> assign) {
      translateAssign(node, assign);
    } else if (transform instanceof Flatten.PCollections<?>) {
      translateFlatten(node);
    } else if (transform instanceof View.CreatePCollectionView<?, ?>) {
      // A view is its PCollection: each ParDo that reads it subscribes to that PCollection.
      producers.put(node.getOutputs().values().iterator().next(), producers.get(mainInput(node)));
    } else {
      throw new UnsupportedOperationException(
          "StormRunner cannot run "
              + node.getFullName()
              + " ("
              + transform.getClass().getName()
              + ") yet");
    }
  }

  @SuppressWarnings("unchecked")
  private List<BoundedSource<Object>> splits(SplittableParDo.PrimitiveBoundedRead<?> read) {
    BoundedSource<Object> source = (BoundedSource<Object>) read.getSource();
    try {
      long size = source.getEstimatedSizeBytes(options.get());
      return new ArrayList<>(
          (List<BoundedSource<Object>>)
              (List<?>) source.split(Math.max(1, size / parallelism), options.get()));
    } catch (Exception e) {
      throw new IllegalStateException("Could not split " + source, e);
    }
  }

  @SuppressWarnings("unchecked")
  private List<UnboundedSource<Object, ?>> splits(SplittableParDo.PrimitiveUnboundedRead<?> read) {
    try {
      return new ArrayList<>(
          (List<UnboundedSource<Object, ?>>)
              (List<?>) read.getSource().split(parallelism, options.get()));
    } catch (Exception e) {
      throw new IllegalStateException("Could not split " + read.getSource(), e);
    }
  }

  /** Encodes the script: elements, watermark and processing-time advances. */
  @SuppressWarnings("unchecked")
  private TestStreamSpout testStreamSpout(TransformHierarchy.Node node, TestStream<?> testStream) {
    Coder<Object> coder = (Coder<Object>) testStream.getValueCoder();
    List<TestStreamSpout.Event> events = new ArrayList<>();
    try {
      for (TestStream.Event<?> event : testStream.getEvents()) {
        if (event instanceof TestStream.ElementEvent<?> elements) {
          List<byte[]> values = new ArrayList<>();
          List<Long> timestamps = new ArrayList<>();
          for (TimestampedValue<?> element : elements.getElements()) {
            values.add(CoderUtils.encodeToByteArray(coder, element.getValue()));
            timestamps.add(element.getTimestamp().getMillis());
          }
          events.add(new TestStreamSpout.Elements(values, timestamps));
        } else if (event instanceof TestStream.WatermarkEvent<?> watermark) {
          events.add(new TestStreamSpout.Watermark(watermark.getWatermark().getMillis()));
        } else if (event instanceof TestStream.ProcessingTimeEvent<?> processingTime) {
          events.add(
              new TestStreamSpout.ProcessingTime(
                  processingTime.getProcessingTimeAdvance().getMillis()));
        }
      }
    } catch (CoderException e) {
      throw new IllegalArgumentException(
          "Could not encode the elements of " + node.getFullName(), e);
    }
    return new TestStreamSpout(options, outputsOf(node), coder, events);
  }

  @SuppressWarnings("unchecked")
  private void translateParDo(TransformHierarchy.Node node, ParDo.MultiOutput<?, ?> parDo) {
    DoFnSignature signature = DoFnSignatures.getSignature(parDo.getFn().getClass());
    if (signature.processElement().isSplittable()) {
      throw new UnsupportedOperationException(
          "StormRunner cannot run " + node.getFullName() + " yet: it is splittable");
    }
    AppliedPTransform<?, ?, ?> applied = node.toAppliedPTransform(pipeline);
    PCollection<?> input = mainInput(node);
    Map<TupleTag<?>, Coder<?>> outputCoders = new LinkedHashMap<>();
    node.getOutputs().forEach((tag, pc) -> outputCoders.put(tag, ((PCollection<?>) pc).getCoder()));
    ParDoBolt.Spec spec =
        new ParDoBolt.Spec(
            (DoFn<Object, Object>) parDo.getFn(),
            (TupleTag<Object>) parDo.getMainOutputTag(),
            new ArrayList<>(node.getOutputs().keySet()),
            (Coder<Object>) input.getCoder(),
            outputCoders,
            input.getWindowingStrategy(),
            ParDoTranslation.getSchemaInformation(applied),
            ParDoTranslation.getSideInputMapping(applied));
    SideInputTranslation sideInputs =
        new SideInputTranslation(node.getFullName(), parDo.getSideInputs().values(), producers);
    // State and timers are per key: a fields grouping brings each key to one task, as into a GBK.
    boolean stateful = signature.usesState() || signature.usesTimers();
    if (stateful && !parDo.getSideInputs().isEmpty()) {
      throw new UnsupportedOperationException(
          "StormRunner cannot run "
              + node.getFullName()
              + " yet: state or timers with side inputs");
    }
    Map<String, WireFormat> inputs = inputsOf(input);
    sideInputs.checkApartFrom(inputs.keySet());
    inputs.putAll(sideInputs.inputs());
    BoltDeclarer bolt =
        addBolt(
            node,
            stateful
                ? new StatefulParDoBolt(options, node.getFullName(), inputs, outputsOf(node), spec)
                : new ParDoBolt(
                    options, node.getFullName(), inputs, outputsOf(node), spec, sideInputs.spec()));
    subscribe(bolt, input, stateful);
    sideInputs.subscribe(bolt);
  }

  @SuppressWarnings("unchecked")
  private void translateGroupByKey(TransformHierarchy.Node node) {
    PCollection<?> input = mainInput(node);
    BoltDeclarer bolt =
        addBolt(
            node,
            new GroupByKeyBolt(
                options,
                node.getFullName(),
                inputsOf(input),
                outputsOf(node),
                (KvCoder<Object, Object>) input.getCoder(),
                (WindowingStrategy<?, BoundedWindow>) input.getWindowingStrategy()));
    subscribe(bolt, input, true);
  }

  @SuppressWarnings("unchecked")
  private void translateAssign(TransformHierarchy.Node node, Window.Assign<?> assign) {
    PCollection<?> input = mainInput(node);
    WindowFn<Object, BoundedWindow> windowFn =
        (WindowFn<Object, BoundedWindow>)
            (assign.getWindowFn() != null
                ? assign.getWindowFn()
                : ((PCollection<?>) node.getOutputs().values().iterator().next())
                    .getWindowingStrategy()
                    .getWindowFn());
    BoltDeclarer bolt =
        addBolt(
            node,
            new AssignWindowsBolt(
                options, node.getFullName(), inputsOf(input), outputsOf(node), windowFn));
    subscribe(bolt, input, false);
  }

  private void translateFlatten(TransformHierarchy.Node node) {
    List<Producer> union = new ArrayList<>();
    for (PValue input : node.getInputs().values()) {
      for (Producer producer : producers.get(input)) {
        if (union.stream()
            .anyMatch(
                p ->
                    p.component().equals(producer.component())
                        && p.stream().equals(producer.stream()))) {
          throw new UnsupportedOperationException(
              "StormRunner cannot run "
                  + node.getFullName()
                  + " yet: it flattens a PCollection with itself");
        }
        union.add(producer);
      }
    }
    if (union.isEmpty()) {
      throw new UnsupportedOperationException(
          "StormRunner cannot run " + node.getFullName() + " yet: it flattens nothing");
    }
    producers.put(node.getOutputs().values().iterator().next(), union);
  }

  private static PCollection<?> mainInput(TransformHierarchy.Node node) {
    return (PCollection<?>)
        node.getInputs().entrySet().stream()
            .filter(e -> !node.getTransform().getAdditionalInputs().containsKey(e.getKey()))
            .findFirst()
            .orElseThrow()
            .getValue();
  }

  /** The output streams of a transform, in the order of its outputs; remembered for consumers. */
  private Outputs outputsOf(TransformHierarchy.Node node) {
    List<WireFormat> formats = new ArrayList<>();
    String component = componentId(node);
    for (PValue output : node.getOutputs().values()) {
      PCollection<?> pc = (PCollection<?>) output;
      WireFormat format =
          new WireFormat(pc.getCoder(), pc.getWindowingStrategy().getWindowFn().windowCoder());
      producers.put(pc, List.of(new Producer(component, Outputs.streamId(formats.size()), format)));
      formats.add(format);
    }
    return new Outputs(jobId, formats);
  }

  private Map<String, WireFormat> inputsOf(PCollection<?> input) {
    Map<String, WireFormat> inputs = new HashMap<>();
    for (Producer producer : producers.get(input)) {
      inputs.put(BeamBolt.inputKey(producer.component(), producer.stream()), producer.format());
    }
    return inputs;
  }

  /** How a bolt subscribes to one data stream of a component. */
  private interface DataGrouping {
    void subscribe(BoltDeclarer bolt, String component, String stream);
  }

  private static void forward(BoltDeclarer bolt, String component, String stream) {
    bolt.customGrouping(component, stream, new ForwardGrouping());
  }

  private static void byKey(BoltDeclarer bolt, String component, String stream) {
    bolt.fieldsGrouping(component, stream, new Fields(WireFormat.KEY_FIELD));
  }

  private void subscribe(BoltDeclarer bolt, PCollection<?> input, boolean byKey) {
    subscribe(bolt, input, byKey ? TopologyTranslator::byKey : TopologyTranslator::forward);
  }

  private void subscribe(BoltDeclarer bolt, PCollection<?> input, DataGrouping grouping) {
    List<String> watermarkSources = new ArrayList<>();
    for (Producer producer : producers.get(input)) {
      grouping.subscribe(bolt, producer.component(), producer.stream());
      if (!watermarkSources.contains(producer.component())) {
        watermarkSources.add(producer.component());
        bolt.allGrouping(producer.component(), WireFormat.WATERMARK_STREAM);
      }
    }
  }

  private void addSpout(TransformHierarchy.Node node, int tasks, BeamSpout spout) {
    builder.setSpout(componentId(node), spout, tasks);
    components.add(componentId(node));
    this.tasks += tasks;
  }

  private BoltDeclarer addBolt(TransformHierarchy.Node node, BeamBolt bolt) {
    tasks += parallelism;
    components.add(componentId(node));
    return builder.setBolt(componentId(node), bolt, parallelism);
  }

  /**
   * On a cluster the tasks cannot report to the submitting JVM, so one more task hears every
   * component's watermark and tells Nimbus when all of them reach the end of time ({@link
   * JobEndBolt}). Every component, not only the last ones: a component whose output nobody reads
   * must have finished too. It is not counted in {@link Translation#tasks}, which only an
   * in-process job's {@code JobProgress} uses.
   */
  private void addJobEnd() {
    BoltDeclarer end = builder.setBolt(JobEndBolt.COMPONENT, new JobEndBolt(), 1);
    for (String component : components) {
      end.allGrouping(component, WireFormat.WATERMARK_STREAM);
    }
  }

  /** Storm's component ids: the transform's full name, without the characters Storm refuses. */
  private static String componentId(TransformHierarchy.Node node) {
    return node.getFullName().replaceAll("[^A-Za-z0-9_()/-]", "_");
  }
}
