package io.clickstream.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;

/** Writes an {@link Event} back to the JSON form {@link EventParser} reads. */
public final class EventJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private EventJson() {}

  public static String toJson(Event event) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("event_id", event.eventId());
    node.put("user_id", event.userId());
    node.put("name", event.name());
    node.put("ts", Instant.ofEpochMilli(event.timestampMillis()).toString());
    putIfPresent(node, "source", event.source());
    putIfPresent(node, "partner", event.partner());
    putIfPresent(node, "campaign", event.campaign());
    putIfPresent(node, "page", event.page());
    if (event.conversion() != null) {
      node.put("conversion", event.conversion().wireName());
    }
    if (!event.properties().isEmpty()) {
      ObjectNode props = node.putObject("properties");
      for (Map.Entry<String, Object> p : event.properties().entrySet()) {
        props.putPOJO(p.getKey(), p.getValue());
      }
    }
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an Event always serializes", e);
    }
  }

  private static void putIfPresent(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
