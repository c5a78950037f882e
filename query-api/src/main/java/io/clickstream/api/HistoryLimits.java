package io.clickstream.api;

import java.time.Duration;

/**
 * The bounds on what one history query may ask for (docs/notebook.md, "Limits"): each answers a 400
 * naming its field when exceeded. The cap on rows a job reads is the server's ({@link
 * ApiConfig#historyMaxRows}), since it depends on the machine.
 */
final class HistoryLimits {

  /** A history query reads raw events: a month of them is the most one question takes. */
  static final Duration MAX_RANGE = Duration.ofDays(31);

  /** Without {@code from}: the day up to {@code to}. */
  static final Duration DEFAULT_RANGE = Duration.ofDays(1);

  /** The default cap on rows of the events table one history job reads. */
  static final long DEFAULT_MAX_ROWS = 2_000_000;

  static final int DEFAULT_DEPTH = 3;
  static final int MAX_DEPTH = 5;

  static final int DEFAULT_PATHS = 10;
  static final int MAX_PATHS = 50;

  static final int DEFAULT_SAMPLE = 20;
  static final int MAX_SAMPLE = 200;

  static final int DEFAULT_TIMELINE = 100;
  static final int MAX_TIMELINE = 1_000;

  private HistoryLimits() {}
}
