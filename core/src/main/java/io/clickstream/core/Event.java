package io.clickstream.core;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * One validated clickstream event. Built only by {@link EventParser}, so every instance satisfies the
 * rules in docs/data-model.md. Optional dimensions are {@code null} when the event did not carry them.
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

  /** The value this event carries for a breakdown dimension, or {@code null} when it has none. */
  public String dimension(Dimension dimension) {
    return switch (dimension) {
      case SOURCE -> source;
      case PARTNER -> partner;
      case CAMPAIGN -> campaign;
    };
  }
}
