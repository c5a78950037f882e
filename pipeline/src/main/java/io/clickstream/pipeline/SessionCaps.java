package io.clickstream.pipeline;

import io.clickstream.core.SaturatingTime;
import java.io.Serializable;

/**
 * What one session may count: its first {@code maxEvents} distinct events (by event time, then
 * event_id), of those less than {@code maxLengthMillis} after its first event. A bot or an id
 * shared by many people ({@code anonymous}) would otherwise keep one session open for ever, every
 * firing re-sending all of it. The rest are set aside as dead letters of kind {@code capped}.
 */
record SessionCaps(int maxEvents, long maxLengthMillis) implements Serializable {

  static SessionCaps of(EventTimeRules settings) {
    return new SessionCaps(settings.maxSessionEvents(), settings.maxSessionLength().getMillis());
  }

  /** The first event time a session starting at {@code start} no longer counts. */
  long lengthLimit(long start) {
    return SaturatingTime.plus(start, maxLengthMillis);
  }
}
