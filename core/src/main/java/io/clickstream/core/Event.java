package io.clickstream.core;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * One validated clickstream event. Built only by {@link EventParser}, so every instance satisfies
 * the rules in docs/data-model.md. Optional fields are {@code null} when the event did not carry
 * them; {@link DimensionName#valueOf} reads an event's value for a breakdown dimension.
 */
public record Event(
    String eventId,
    String userId,
    String name,
    long timestampMillis,
    String source,
    String partner,
    String campaign,
    String page,
    Conversion conversion,
    Map<String, Object> properties)
    implements Serializable {

  public Event {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(name, "name");
    properties = properties == null ? Map.of() : Map.copyOf(properties);
  }
}
