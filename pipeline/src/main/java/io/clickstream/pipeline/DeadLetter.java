package io.clickstream.pipeline;

import java.io.Serializable;

/** An input the pipeline could not count, kept with the reason so nothing is lost silently. */
public record DeadLetter(Kind kind, String reason, String rowKey, long writeTimeMillis, String raw)
    implements Serializable {

  /** Why an event was set aside; each kind has its own Beam counter. */
  public enum Kind {
    INVALID,
    FUTURE,
    LATE,
    /**
     * A later write of a row: the row's first write is its event (docs/data-model.md, "The rule").
     */
    REWRITTEN,
    /**
     * Left out of its session by the caps on a session's events and length ({@link SessionCaps}).
     */
    CAPPED
  }
}
