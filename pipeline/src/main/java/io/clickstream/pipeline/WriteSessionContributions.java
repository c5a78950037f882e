package io.clickstream.pipeline;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes session contributions to Redis through a {@link SessionContributionStore}: batched per
 * bundle (at most {@link #BATCH_SIZE} per round trip), idempotent under bundle retries.
 */
public class WriteSessionContributions extends PTransform<PCollection<SessionContribution>, PDone> {

  static final int BATCH_SIZE = 500;

  private final String redisUrl;

  public WriteSessionContributions(String redisUrl) {
    this.redisUrl = redisUrl;
  }

  @Override
  public PDone expand(PCollection<SessionContribution> contributions) {
    contributions.apply("ReplaceContributionsInRedis", ParDo.of(new WriteFn(redisUrl)));
    return PDone.in(contributions.getPipeline());
  }

  static final class WriteFn extends DoFn<SessionContribution, Void> {
    private final String redisUrl;
    private final Counter applied = Metrics.counter(WriteSessionContributions.class, "sessions_applied");
    private final Counter stale = Metrics.counter(WriteSessionContributions.class, "sessions_stale_skipped");
    private transient SessionContributionStore store;
    private transient List<SessionContribution> batch;

    WriteFn(String redisUrl) {
      this.redisUrl = redisUrl;
    }

    @Setup
    public void setup() {
      store = new SessionContributionStore(redisUrl);
    }

    @StartBundle
    public void startBundle() {
      batch = new ArrayList<>();
    }

    @ProcessElement
    public void process(@Element SessionContribution contribution) {
      batch.add(contribution);
      if (batch.size() >= BATCH_SIZE) {
        flush();
      }
    }

    @FinishBundle
    public void finishBundle() {
      flush();
    }

    @Teardown
    public void teardown() {
      if (store != null) {
        store.close();
      }
    }

    private void flush() {
      if (!batch.isEmpty()) {
        SessionContributionStore.Outcome outcome = store.apply(batch);
        applied.inc(outcome.applied());
        stale.inc(outcome.stale());
        batch.clear();
      }
    }
  }
}
