package io.clickstream.storm.topology;

import java.util.Map;
import org.apache.beam.runners.core.construction.SerializablePipelineOptions;
import org.joda.time.Instant;

/**
 * A bolt that handles each element on its own and keeps nothing between them: it holds no watermark
 * back, has no timers and nothing to set up or tear down.
 */
abstract class ElementwiseBolt extends BeamBolt {
  private static final long serialVersionUID = 1L;

  ElementwiseBolt(
      SerializablePipelineOptions options,
      String stepName,
      Map<String, WireFormat> inputs,
      Outputs outputs) {
    super(options, stepName, inputs, outputs);
  }

  @Override
  protected final void setUp() {}

  @Override
  protected final Instant onInputWatermark(Instant watermark) {
    return watermark;
  }

  @Override
  protected final void onProcessingTime(Instant now) {}

  @Override
  protected final void tearDown() {}
}
