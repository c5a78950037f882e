package io.clickstream.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * A funnel that is not saved, to try with {@link Clickstream#preview} before saving it: its steps,
 * order, scope and window, as a saved funnel's definition has them (docs/funnels.md).
 */
public final class Funnel {

  /** How the steps must follow each other (docs/funnels.md, "order"). */
  public enum Order {
    SEQUENTIAL,
    STRICT,
    ANY
  }

  private final ObjectNode fields = Api.MAPPER.createObjectNode();

  private Funnel(String... events) {
    var steps = fields.putArray("steps");
    for (String event : events) {
      steps.add(event);
    }
  }

  /** A funnel of these events, in this order. */
  public static Funnel steps(String... events) {
    return new Funnel(events);
  }

  public Funnel order(Order order) {
    fields.put("order", order.name().toLowerCase(Locale.ROOT));
    return this;
  }

  /** {@code session} (the default) or {@code user}. */
  public Funnel scope(String scope) {
    fields.put("scope", scope);
    return this;
  }

  /** A user-scope funnel's window, ISO-8601 ({@code P7D}). */
  public Funnel window(String window) {
    fields.put("window", window);
    return this;
  }

  /** Its fields, to put into a query. */
  ObjectNode fields() {
    return fields.deepCopy();
  }

  @Override
  public String toString() {
    return fields.toString();
  }
}
