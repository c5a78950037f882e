package io.clickstream.pipeline;

import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
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

  static final class WriteFn extends BatchedRedisWriteFn<SessionContribution, SessionContributionStore> {
    private final Counter applied = Metrics.counter(WriteSessionContributions.class, "sessions_applied");
    private final Counter stale = Metrics.counter(WriteSessionContributions.class, "sessions_stale_skipped");

    WriteFn(String redisUrl) {
      super(redisUrl, BATCH_SIZE);
    }

    @Override
    SessionContributionStore connect(String redisUrl) {
      return new SessionContributionStore(redisUrl);
    }

    @Override
    void write(SessionContributionStore store, List<SessionContribution> batch) {
      SessionContributionStore.Outcome outcome = store.apply(batch);
      applied.inc(outcome.applied());
      stale.inc(outcome.stale());
    }
  }
}
