package io.clickstream.pipeline;

import io.clickstream.core.Conversion;
import io.clickstream.core.Event;
import java.util.Map;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Duration;
import org.joda.time.Instant;

/** Builds events for tests at readable offsets from a fixed base instant. */
final class TestEvents {

  static final Instant BASE = Instant.parse("2024-05-01T10:00:00Z");

  private TestEvents() {}

  static Event event(String id, String user, String name, Duration at, String source) {
    return new Event(
        id, user, name, BASE.plus(at).getMillis(), source, null, null, null, null, Map.of());
  }

  static Event conversion(String id, String user, String name, Duration at, Conversion conversion) {
    return new Event(
        id, user, name, BASE.plus(at).getMillis(), null, null, null, null, conversion, Map.of());
  }

  static TimestampedValue<Event> at(Event e) {
    return TimestampedValue.of(e, new Instant(e.timestampMillis()));
  }

  static Duration minutes(long m) {
    return Duration.standardMinutes(m);
  }

  static Duration seconds(long s) {
    return Duration.standardSeconds(s);
  }
}
