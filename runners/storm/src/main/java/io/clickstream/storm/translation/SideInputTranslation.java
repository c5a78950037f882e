package io.clickstream.storm.translation;

import io.clickstream.storm.topology.BeamBolt;
import io.clickstream.storm.topology.SideInputs;
import io.clickstream.storm.topology.WireFormat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.PValue;
import org.apache.storm.topology.BoltDeclarer;

/**
 * How a ParDo reads its side inputs on Storm: every task of the ParDo subscribes to each view's
 * PCollection with an all-grouping (a broadcast: each task materializes the whole view) and to the
 * watermark of the components that write it, which says when a side-input window is complete.
 */
final class SideInputTranslation {
  private final String transform;
  private final Map<String, WireFormat> inputs = new HashMap<>();
  private final List<TopologyTranslator.Producer> subscriptions = new ArrayList<>();
  private final List<SideInputs.SideInput> sideInputs = new ArrayList<>();

  SideInputTranslation(
      String transform,
      Collection<PCollectionView<?>> views,
      Map<PValue, List<TopologyTranslator.Producer>> producers) {
    this.transform = transform;
    for (PCollectionView<?> view : views) {
      Set<String> inputKeys = new LinkedHashSet<>();
      Set<String> components = new LinkedHashSet<>();
      for (TopologyTranslator.Producer producer : producers.get(view.getPCollection())) {
        String key = BeamBolt.inputKey(producer.component(), producer.stream());
        if (inputs.put(key, producer.format()) == null) {
          subscriptions.add(producer);
        }
        inputKeys.add(key);
        components.add(producer.component());
      }
      sideInputs.add(new SideInputs.SideInput(view, inputKeys, components));
    }
  }

  /** Storm subscribes a bolt once per stream: a PCollection cannot be main and side input. */
  void checkApartFrom(Set<String> mainInputs) {
    for (String key : inputs.keySet()) {
      if (mainInputs.contains(key)) {
        throw new UnsupportedOperationException(
            "StormRunner cannot run "
                + transform
                + ": it reads one PCollection as its main and as a side input");
      }
    }
  }

  Map<String, WireFormat> inputs() {
    return inputs;
  }

  SideInputs spec() {
    return new SideInputs(sideInputs);
  }

  void subscribe(BoltDeclarer bolt) {
    for (TopologyTranslator.Producer producer : subscriptions) {
      bolt.allGrouping(producer.component(), producer.stream());
      bolt.allGrouping(producer.component(), WireFormat.WATERMARK_STREAM);
    }
  }
}
