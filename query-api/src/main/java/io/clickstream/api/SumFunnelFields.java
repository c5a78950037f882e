package io.clickstream.api;

import io.clickstream.pipeline.Contribution;
import io.clickstream.pipeline.ContributionCoder;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Sum;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * A funnel preview's results: what Redis would hold after writing these contributions, summed over
 * the range. As the writer does ({@code ContributionStore}), each session's or episode's latest
 * contribution replaces its earlier ones; its counts are then summed per results-hash field (the
 * minute of the key dropped), which {@link FunnelTotals} reads as a saved funnel's totals.
 */
final class SumFunnelFields
    extends PTransform<PCollection<Contribution>, PCollection<KV<String, Long>>> {

  @Override
  public PCollection<KV<String, Long>> expand(PCollection<Contribution> contributions) {
    return contributions
        .apply(
            "KeyByRecord",
            WithKeys.<String, Contribution>of(
                    c -> c.namespace() + '\n' + c.userId() + '\n' + c.startMillis())
                .withKeyType(TypeDescriptors.strings()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), ContributionCoder.of()))
        .apply("KeepTheLatest", Combine.<String, Contribution>perKey(SumFunnelFields::latest))
        .apply("DropRecords", Values.create())
        .apply("SplitIntoFields", ParDo.of(new FieldsFn()))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), VarLongCoder.of()))
        .apply("SumPerField", Sum.longsPerKey());
  }

  /** The contribution of the highest version: the one the writer would keep. */
  private static Contribution latest(Iterable<Contribution> firings) {
    Contribution latest = null;
    for (Contribution c : firings) {
      if (latest == null || c.version() > latest.version()) {
        latest = c;
      }
    }
    return latest;
  }

  private static final class FieldsFn extends DoFn<Contribution, KV<String, Long>> {
    @ProcessElement
    public void process(@Element Contribution c, OutputReceiver<KV<String, Long>> out) {
      for (Map.Entry<String, Long> count : c.counts().entrySet()) {
        String keyAndField = count.getKey();
        out.output(
            KV.of(
                keyAndField.substring(keyAndField.indexOf(Contribution.FIELD_SEPARATOR) + 1),
                count.getValue()));
      }
    }
  }
}
