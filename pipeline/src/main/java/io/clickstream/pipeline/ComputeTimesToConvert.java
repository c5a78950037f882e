package io.clickstream.pipeline;

import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.core.funnel.FunnelEvaluator;
import io.clickstream.core.funnel.FunnelResult;
import java.util.Optional;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * How long sessions took from one step of a session-scope funnel to a later one: for each finished
 * session starting in {@code [from, to)} whose result ({@link FunnelEvaluator#evaluateSession}, as
 * the funnel's results count it) reached {@code toStep}, the whole seconds between its matches of
 * the two steps; counted per number of seconds. This is the notebook's {@code time_to_convert}.
 */
public class ComputeTimesToConvert
    extends PTransform<PCollection<Session>, PCollection<KV<Long, Long>>> {

  private final FunnelDefinition funnel;
  private final int fromStep;
  private final int toStep;
  private final long fromMillis;
  private final long toMillis;

  /**
   * @param fromStep the earlier step, 1-based
   * @param toStep the later step, 1-based, after {@code fromStep}
   */
  public ComputeTimesToConvert(
      FunnelDefinition funnel, int fromStep, int toStep, long fromMillis, long toMillis) {
    checkArguments(funnel, FunnelDefinition.Scope.SESSION, fromStep, toStep);
    this.funnel = funnel;
    this.fromStep = fromStep;
    this.toStep = toStep;
    this.fromMillis = fromMillis;
    this.toMillis = toMillis;
  }

  @Override
  public PCollection<KV<Long, Long>> expand(PCollection<Session> sessions) {
    return sessions
        .apply("MeasureConversions", ParDo.of(new SecondsFn(this)))
        .apply("CountPerSecond", Count.perElement());
  }

  /** Refuses a funnel of another scope, or steps that are not two of its own in order. */
  static void checkArguments(
      FunnelDefinition funnel, FunnelDefinition.Scope scope, int fromStep, int toStep) {
    if (funnel.scope() != scope) {
      throw new IllegalArgumentException("a funnel of scope " + scope + " only");
    }
    if (fromStep < 1 || toStep <= fromStep || toStep > funnel.stepCount()) {
      throw new IllegalArgumentException("steps " + fromStep + " to " + toStep);
    }
  }

  /** The whole seconds from step {@code from} to step {@code to} of a result that reached both. */
  public static long secondsBetween(FunnelResult result, int from, int to) {
    return (result.reachedAt().get(to - 1) - result.reachedAt().get(from - 1)) / 1000;
  }

  private static final class SecondsFn extends DoFn<Session, Long> {
    private final ComputeTimesToConvert spec;

    SecondsFn(ComputeTimesToConvert spec) {
      this.spec = spec;
    }

    @ProcessElement
    public void process(@Element Session session, OutputReceiver<Long> out) {
      if (!session.finalStartingIn(spec.fromMillis, spec.toMillis)) {
        return;
      }
      Optional<FunnelResult> result =
          FunnelEvaluator.evaluateSession(spec.funnel, session.events());
      if (result.isPresent() && result.get().reached() >= spec.toStep) {
        out.output(secondsBetween(result.get(), spec.fromStep, spec.toStep));
      }
    }
  }
}
