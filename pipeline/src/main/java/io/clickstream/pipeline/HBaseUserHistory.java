package io.clickstream.pipeline;

import io.clickstream.core.Event;
import io.clickstream.core.funnel.FunnelDefinition;
import io.clickstream.pipeline.io.EventRow;
import io.clickstream.pipeline.io.UserRows;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A user's history read from the events table, each row judged by {@link ParseEvents#verdict}: the
 * rows the live read would set aside are left out here too.
 *
 * <p>Bounded: rows written from {@code fromMillis} less the furthest an event may be ahead of its
 * write time, and at most {@link #MAX_ROWS} of them. HBase being unreachable must not stop the
 * counts: a scan is tried {@link #ATTEMPTS} times, then given up, counted and logged.
 */
public final class HBaseUserHistory implements UserHistory {

  /** A bot's history, at most; a scan that reaches it keeps an arbitrary part (by event id). */
  static final int MAX_ROWS = 50_000;

  static final int ATTEMPTS = 3;
  private static final long RETRY_PAUSE_MILLIS = 200;
  private static final Logger LOG = LoggerFactory.getLogger(HBaseUserHistory.class);

  private final String hbaseZk;
  private final EventTimeRules settings;
  private final long startedMillis;
  private final Counter scans = Metrics.counter(HBaseUserHistory.class, "user_history_scans");
  private final Counter truncated =
      Metrics.counter(HBaseUserHistory.class, "user_history_truncated");
  private final Counter failed = Metrics.counter(HBaseUserHistory.class, "user_history_failed");

  /**
   * @param startedMillis when the pipeline started: versions live from before it need no read
   */
  public HBaseUserHistory(String hbaseZk, EventTimeRules settings, long startedMillis) {
    this.hbaseZk = hbaseZk;
    this.settings = settings;
    this.startedMillis = startedMillis;
  }

  /**
   * Only versions defined while the pipeline runs. Reading the history of every user for the
   * versions it started with cost a prefix scan per user: the 100k-event drain took twice as long
   * (docs/benchmarks.md, runs T–V).
   */
  @Override
  public boolean mayLack(FunnelDefinition f) {
    return f.liveFromMillis() >= startedMillis;
  }

  @Override
  public List<Event> since(String user, long fromMillis) {
    long fromWriteTime = fromMillis - EventTimeRules.MAX_FUTURE.getMillis();
    for (int attempt = 1; ; attempt++) {
      try {
        scans.inc();
        List<EventRow> rows = UserRows.scan(hbaseZk, user, fromWriteTime, MAX_ROWS);
        if (rows.size() >= MAX_ROWS) {
          truncated.inc();
        }
        return accepted(rows);
      } catch (IOException | RuntimeException e) {
        if (attempt == ATTEMPTS) {
          failed.inc();
          LOG.warn(
              "Could not read the history of user {} from HBase ({} attempts), going on without it: {}",
              user,
              ATTEMPTS,
              e.toString());
          return List.of();
        }
        pause();
      }
    }
  }

  private List<Event> accepted(List<EventRow> rows) {
    List<Event> events = new ArrayList<>(rows.size());
    for (EventRow row : rows) {
      ParseEvents.Verdict verdict = ParseEvents.verdict(row, settings);
      if (verdict.accepted()) {
        events.add(verdict.event());
      }
    }
    return events;
  }

  private static void pause() {
    try {
      Thread.sleep(RETRY_PAUSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
