package io.clickstream.api;

import io.clickstream.core.DimensionName;
import io.clickstream.core.RedisKeys;
import io.clickstream.core.SessionFigures;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.JedisPool;

/**
 * The figures of the sessions a {@code sessions} query counts (docs/notebook.md, "sessions"): per
 * series of its counts and bucket, the sum of each metric of {@link SessionFigures} (events,
 * bounces, and each length bucket), read over the same plan as the counts. A value the counts have
 * no series for (past the top {@code limit}) is summed into {@code (other)}, as its sessions are.
 */
final class SessionFigureSums {

  /** The figures read: events, bounces, then each length bucket. */
  static final int FIGURES = 2 + SessionFigures.LENGTH_EDGES_SECONDS.size();

  static final int EVENTS = 0;
  static final int BOUNCES = 1;
  static final int LENGTHS = 2;

  private SessionFigureSums() {}

  /**
   * @return per series of {@code counts} (in order), per bucket, per figure: the sum
   */
  static long[][][] read(
      JedisPool redis, ReadPlan plan, CountsQuery query, CountsController.Counts counts) {
    if ((long) plan.size() * FIGURES > ReadLimits.MAX_HASHES) {
      throw new BadRequest(
          "from",
          "from..to needs more than "
              + QueryParams.thousands(ReadLimits.MAX_HASHES)
              + " hashes read for the sessions' figures ("
              + FIGURES
              + " per bucket of the range): use a shorter range or a wider step");
    }
    List<CountsController.Series> series = counts.series();
    Map<String, Integer> seriesOfField = new HashMap<>();
    int other = -1;
    for (int s = 0; s < series.size(); s++) {
      CountsController.Series one = series.get(s);
      if (one.other()) {
        other = s;
      } else {
        seriesOfField.put(query.by() == null ? RedisKeys.FIELD_TOTAL : fieldOf(one), s);
      }
    }
    String dimension = query.by() == null ? RedisKeys.UNDIVIDED : query.by().keyPart();
    long[][][] sums = new long[series.size()][query.buckets().count()][FIGURES];
    for (int figure = 0; figure < FIGURES; figure++) {
      String metric = metricOf(figure);
      int f = figure;
      int rest = other;
      RangeHashes.read(
          redis,
          plan,
          (period, index) -> RedisKeys.counts(metric, dimension, period, index),
          (bucket, fields) ->
              fields.forEach(
                  (field, value) -> {
                    int s = seriesOfField.getOrDefault(field, rest);
                    if (s >= 0) {
                      sums[s][bucket][f] += Long.parseLong(value);
                    }
                  }));
    }
    return sums;
  }

  private static String metricOf(int figure) {
    return switch (figure) {
      case EVENTS -> SessionFigures.METRIC_EVENTS;
      case BOUNCES -> SessionFigures.METRIC_BOUNCES;
      default -> SessionFigures.lengthMetric(figure - LENGTHS);
    };
  }

  /** The hash field a series' value is stored under. */
  private static String fieldOf(CountsController.Series series) {
    return series.missing() ? DimensionName.NONE : DimensionName.field(series.key());
  }

  /**
   * The lower edge, in seconds, of the length bucket holding the lower median (the ⌈N/2⌉-th
   * shortest) of the sessions counted in {@code figures}; null for none.
   */
  static Integer medianLengthBucket(long[] figures) {
    long n = 0;
    for (int b = LENGTHS; b < FIGURES; b++) {
      n += figures[b];
    }
    if (n == 0) {
      return null;
    }
    long seen = 0;
    for (int b = LENGTHS; b < FIGURES; b++) {
      seen += figures[b];
      if (seen >= (n + 1) / 2) {
        return b - LENGTHS;
      }
    }
    throw new IllegalStateException("unreachable: the buckets sum to n");
  }
}
