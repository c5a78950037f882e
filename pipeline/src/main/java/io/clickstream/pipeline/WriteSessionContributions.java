package io.clickstream.pipeline;

import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.joda.time.Duration;

/**
 * Writes session contributions to Redis through a {@link ContributionStore}: batched per bundle (at
 * most {@link #BATCH_SIZE} per round trip), idempotent under bundle retries.
 */
public class WriteSessionContributions extends PTransform<PCollection<Contribution>, PDone> {

  static final int BATCH_SIZE = 500;

  /** The default of {@code --maxDimensionValues}. */
  public static final int DEFAULT_MAX_DIMENSION_VALUES = 1_000;

  /** The default of {@code --maxEventNames}. */
  public static final int DEFAULT_MAX_EVENT_NAMES = 10_000;

  private final String redisUrl;
  private final long retentionMillis;
  private final int maxDimensionValues;
  private final int maxEventNames;

  /**
   * @param maxDimensionValues the cap on distinct values per dimension and minute ({@link
   *     ContributionStore})
   * @param maxEventNames the cap on distinct event names ({@link ContributionStore})
   */
  public WriteSessionContributions(
      String redisUrl, Duration retention, int maxDimensionValues, int maxEventNames) {
    this.redisUrl = redisUrl;
    this.retentionMillis = retention.getMillis();
    // Checked here too, where the job is built, so that a bad cap stops it before it starts.
    this.maxDimensionValues = ContributionStore.checkedMaxDimensionValues(maxDimensionValues);
    this.maxEventNames = ContributionStore.checkedMaxEventNames(maxEventNames);
  }

  /**
   * To the Redis of the options, keeping counts for their {@code --retention}, capped by their
   * {@code --maxDimensionValues} and {@code --maxEventNames}.
   */
  public static WriteSessionContributions to(ClickstreamOptions options) {
    return new WriteSessionContributions(
        options.getRedisUrl(),
        EventTimeRules.isoDuration("retention", options.getRetention()),
        options.getMaxDimensionValues(),
        options.getMaxEventNames());
  }

  @Override
  public PDone expand(PCollection<Contribution> contributions) {
    contributions.apply(
        "ReplaceContributionsInRedis",
        ParDo.of(new WriteFn(redisUrl, retentionMillis, maxDimensionValues, maxEventNames)));
    return PDone.in(contributions.getPipeline());
  }

  static final class WriteFn extends BatchedRedisWriteFn<Contribution, ContributionStore> {
    private final Counter applied =
        Metrics.counter(WriteSessionContributions.class, "sessions_applied");
    private final Counter stale =
        Metrics.counter(WriteSessionContributions.class, "sessions_stale_skipped");

    private final long retentionMillis;
    private final int maxDimensionValues;
    private final int maxEventNames;

    WriteFn(String redisUrl, long retentionMillis, int maxDimensionValues, int maxEventNames) {
      super(redisUrl, BATCH_SIZE);
      this.retentionMillis = retentionMillis;
      this.maxDimensionValues = maxDimensionValues;
      this.maxEventNames = maxEventNames;
    }

    @Override
    ContributionStore connect(String redisUrl) {
      return new ContributionStore(redisUrl, retentionMillis, maxDimensionValues, maxEventNames);
    }

    @Override
    void write(ContributionStore store, List<Contribution> batch) {
      ContributionStore.Outcome outcome = store.apply(batch);
      applied.inc(outcome.applied());
      stale.inc(outcome.stale());
    }
  }
}
