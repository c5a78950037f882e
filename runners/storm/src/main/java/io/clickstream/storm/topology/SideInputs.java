package io.clickstream.storm.topology;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.PushbackSideInputDoFnRunner;
import org.apache.beam.runners.core.ReadyCheckingSideInputReader;
import org.apache.beam.runners.core.SideInputHandler;
import org.apache.beam.runners.core.SimplePushbackSideInputDoFnRunner;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.PaneInfo;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * The side inputs of one ParDo task. Each side input's PCollection reaches every task of the ParDo
 * (an all-grouping), and its elements are collected per window until the side input's own watermark
 * passes the end of that window; the window's contents then go into Beam's {@link
 * SideInputHandler}, which materializes them for the view (iterable or multimap), and the window is
 * ready. A main-input element whose side-input windows are not all ready yet is pushed back ({@link
 * PushbackSideInputDoFnRunner}) and holds the ParDo's output watermark until it is processed. A
 * window the side input never had an element in is ready, and empty, once its watermark has passed
 * it.
 */
public final class SideInputs implements ReadyCheckingSideInputReader, Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * A view the ParDo reads: the input keys ({@link BeamBolt#inputKey}) its PCollection arrives on
   * and the components whose watermark is the side input's.
   */
  public record SideInput(PCollectionView<?> view, Set<String> inputKeys, Set<String> components)
      implements Serializable {}

  private final List<SideInput> sideInputs;

  private transient Map<String, SideInput> byInputKey;
  private transient Map<TupleTag<?>, Instant> watermarks;
  private transient Map<TupleTag<?>, Map<BoundedWindow, List<Object>>> incomplete;
  private transient SideInputHandler handler;
  private transient List<WindowedValue<Object>> pushedBack;
  private transient boolean becameReady;

  public SideInputs(List<SideInput> sideInputs) {
    this.sideInputs = List.copyOf(sideInputs);
  }

  public static SideInputs none() {
    return new SideInputs(List.of());
  }

  /** Wraps the ParDo's runner so that it pushes back what it cannot process yet. */
  public PushbackSideInputDoFnRunner<Object, Object> setUp(DoFnRunner<Object, Object> runner) {
    byInputKey = new HashMap<>();
    watermarks = new HashMap<>();
    incomplete = new HashMap<>();
    for (SideInput sideInput : sideInputs) {
      sideInput.inputKeys().forEach(key -> byInputKey.put(key, sideInput));
      watermarks.put(tag(sideInput.view()), BoundedWindow.TIMESTAMP_MIN_VALUE);
      incomplete.put(tag(sideInput.view()), new HashMap<>());
    }
    handler = new SideInputHandler(views(), InMemoryStateInternals.forKey("side inputs"));
    pushedBack = new ArrayList<>();
    return SimplePushbackSideInputDoFnRunner.create(runner, views(), this);
  }

  private List<PCollectionView<?>> views() {
    return sideInputs.stream().<PCollectionView<?>>map(SideInput::view).toList();
  }

  private static TupleTag<?> tag(PCollectionView<?> view) {
    return view.getTagInternal();
  }

  /** Whether {@code inputKey} carries a side input rather than the main input. */
  public boolean reads(String inputKey) {
    return byInputKey.containsKey(inputKey);
  }

  /**
   * An element of a side input. One that comes after its window was complete (a late pane) is added
   * to what the window already has.
   */
  public void add(String inputKey, WindowedValue<Object> element) {
    PCollectionView<?> view = byInputKey.get(inputKey).view();
    for (BoundedWindow window : element.getWindows()) {
      if (isReady(view, window)) {
        List<Object> contents = new ArrayList<>();
        handler.getIterable(view, window).forEach(contents::add);
        contents.add(element.getValue());
        materialize(view, window, contents);
      } else {
        incomplete
            .get(tag(view))
            .computeIfAbsent(window, w -> new ArrayList<>())
            .add(element.getValue());
      }
    }
  }

  /** Completes the windows that the side inputs' watermarks (from {@code watermarkOf}) passed. */
  public void advance(Function<Collection<String>, Instant> watermarkOf) {
    for (SideInput sideInput : sideInputs) {
      PCollectionView<?> view = sideInput.view();
      Instant watermark = watermarkOf.apply(sideInput.components());
      if (!watermark.isAfter(watermarks.get(tag(view)))) {
        continue;
      }
      watermarks.put(tag(view), watermark);
      becameReady = true;
      incomplete
          .get(tag(view))
          .entrySet()
          .removeIf(
              window -> {
                if (!isReady(view, window.getKey())) {
                  return false;
                }
                materialize(view, window.getKey(), window.getValue());
                return true;
              });
    }
  }

  private void materialize(PCollectionView<?> view, BoundedWindow window, List<Object> contents) {
    handler.addSideInputValue(
        view, WindowedValue.of(contents, window.maxTimestamp(), window, PaneInfo.NO_FIRING));
  }

  public void pushBack(Iterable<WindowedValue<Object>> elements) {
    elements.forEach(pushedBack::add);
  }

  /**
   * The pushed-back elements, to be processed again, if a side-input window became ready since the
   * last call; none otherwise.
   */
  public List<WindowedValue<Object>> takePushedBackIfSomeBecameReady() {
    if (!becameReady || pushedBack.isEmpty()) {
      return List.of();
    }
    becameReady = false;
    List<WindowedValue<Object>> retry = pushedBack;
    pushedBack = new ArrayList<>();
    return retry;
  }

  /** The earliest timestamp of a pushed-back element: the ParDo's output watermark waits for it. */
  public Instant hold() {
    Instant hold = BoundedWindow.TIMESTAMP_MAX_VALUE;
    for (WindowedValue<Object> element : pushedBack) {
      if (element.getTimestamp().isBefore(hold)) {
        hold = element.getTimestamp();
      }
    }
    return hold;
  }

  /** A side-input window is ready once the side input's watermark has passed its end. */
  @Override
  public boolean isReady(PCollectionView<?> view, BoundedWindow window) {
    return watermarks.get(tag(view)).isAfter(window.maxTimestamp());
  }

  @Override
  public <T> T get(PCollectionView<T> view, BoundedWindow window) {
    return handler.get(view, window);
  }

  @Override
  public <T> boolean contains(PCollectionView<T> view) {
    return handler.contains(view);
  }

  @Override
  public boolean isEmpty() {
    return sideInputs.isEmpty();
  }
}
