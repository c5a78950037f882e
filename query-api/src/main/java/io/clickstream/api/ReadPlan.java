package io.clickstream.api;

import io.clickstream.core.CountPeriod;
import java.time.Instant;
import java.util.Arrays;

/**
 * The hashes a range's buckets are summed from: each bucket cut into whole UTC days, then whole
 * hours, then minutes, the widest that fits at each point (docs/redis-keys.md, "Rollups"). Before
 * the rollups are complete ({@link RollupsFrom}) only minutes. So a day in UTC is one hash, a day
 * in a zone a whole number of hours off UTC 24, and an hour starting at :30 UTC 60.
 */
final class ReadPlan {

  /** The rollups, widest first. */
  private static final CountPeriod[] ROLLUPS = {CountPeriod.DAY, CountPeriod.HOUR};

  private CountPeriod[] periods = new CountPeriod[64];
  private long[] indexes = new long[64];
  private int[] buckets = new int[64];
  private int size;

  private ReadPlan() {}

  /**
   * The plan for {@code buckets}, refused with a 400 naming {@code from} when it would read more
   * than {@link ReadLimits#MAX_HASHES} hashes (only a range of minutes from before the rollups
   * can).
   *
   * @param rollupsFromMinute the epoch minute from which hours and days may be read whole
   */
  static ReadPlan of(Buckets buckets, long rollupsFromMinute) {
    ReadPlan plan = new ReadPlan();
    for (int b = 0; b < buckets.count(); b++) {
      long end = buckets.edges[b + 1];
      for (long m = buckets.edges[b]; m < end; ) {
        CountPeriod period = widest(m, end, rollupsFromMinute);
        if (plan.size == ReadLimits.MAX_HASHES) {
          throw new BadRequest(
              "from",
              "from..to needs more than "
                  + QueryParams.thousands(ReadLimits.MAX_HASHES)
                  + " hashes read: "
                  + (rollupsFromMinute == RollupsFrom.NONE
                      ? "no pipeline has written hour or day totals to this Redis yet, so"
                          + " minutes"
                      : "the minutes before "
                          + Instant.ofEpochSecond(rollupsFromMinute * 60)
                          + " have no hour or day totals and")
                  + " are read one by one; use a shorter range");
        }
        plan.add(period, period.indexOf(m), b);
        m += period.minutes;
      }
    }
    return plan;
  }

  int size() {
    return size;
  }

  CountPeriod period(int i) {
    return periods[i];
  }

  long index(int i) {
    return indexes[i];
  }

  /** The bucket the {@code i}-th hash sums into. */
  int bucket(int i) {
    return buckets[i];
  }

  /** The widest period starting at {@code minute} that ends by {@code end}. */
  private static CountPeriod widest(long minute, long end, long rollupsFromMinute) {
    if (minute >= rollupsFromMinute) {
      for (CountPeriod p : ROLLUPS) {
        if (Math.floorMod(minute, p.minutes) == 0 && minute + p.minutes <= end) {
          return p;
        }
      }
    }
    return CountPeriod.MINUTE;
  }

  private void add(CountPeriod period, long index, int bucket) {
    if (size == periods.length) {
      periods = Arrays.copyOf(periods, size * 2);
      indexes = Arrays.copyOf(indexes, size * 2);
      buckets = Arrays.copyOf(buckets, size * 2);
    }
    periods[size] = period;
    indexes[size] = index;
    buckets[size] = bucket;
    size++;
  }
}
