package io.clickstream.core.funnel;

import io.clickstream.core.Event;
import java.io.Serializable;
import java.util.Map;

/**
 * One step (or exclusion) of a funnel: an event name, and field values the event must carry.
 *
 * @param where field -> required value; a field is {@code page}, {@code source}, {@code partner},
 *     {@code campaign}, {@code conversion} or {@code properties.NAME}; values are strings or
 *     numbers
 */
public record FunnelStep(String event, Map<String, Object> where) implements Serializable {

  public FunnelStep {
    where = Map.copyOf(where);
  }

  public boolean matches(Event e) {
    return e.name().equals(event) && matchesWhere(e);
  }

  /** Whether the event meets every condition of {@code where}, whatever its name. */
  public boolean matchesWhere(Event e) {
    for (Map.Entry<String, Object> condition : where.entrySet()) {
      if (!valueEquals(condition.getValue(), fieldOf(e, condition.getKey()))) {
        return false;
      }
    }
    return true;
  }

  static Object fieldOf(Event e, String field) {
    return switch (field) {
      case "page" -> e.page();
      case "source" -> e.source();
      case "partner" -> e.partner();
      case "campaign" -> e.campaign();
      case "conversion" -> e.conversion() == null ? null : e.conversion().wireName();
      default -> e.properties().get(field.substring("properties.".length()));
    };
  }

  /**
   * Strings equal strings; numbers equal numbers of the same value (1 equals 1.0); never across.
   */
  private static boolean valueEquals(Object expected, Object actual) {
    if (expected instanceof Number a && actual instanceof Number b) {
      return Double.compare(a.doubleValue(), b.doubleValue()) == 0;
    }
    return expected.equals(actual);
  }
}
