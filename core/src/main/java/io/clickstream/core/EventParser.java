package io.clickstream.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses and validates one JSON event. Never throws on bad input: every rejection carries a reason
 * that names the field at fault, because the reason is what a user reads in the dead-letter store.
 */
public final class EventParser {

  /** Row keys are built from ids; HBase caps a row key at 32 KiB, so ids stay well below. */
  static final int MAX_ID_BYTES = 1024;

  static final int MAX_NAME_CHARS = 1024;

  /**
   * Epoch milliseconds accepted for {@code ts}: from 0 (1970) up to this one (2100), excluded, so a
   * seconds-vs-millis mix-up is caught. Public because the query API accepts the same range.
   */
  public static final long MAX_EPOCH_MILLIS = 4_102_444_800_000L;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private EventParser() {}

  public static ParseResult parse(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      return ParseResult.rejected("not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      return ParseResult.rejected("not a JSON object");
    }
    try {
      return ParseResult.ok(toEvent(root));
    } catch (InvalidField e) {
      return ParseResult.rejected(e.getMessage());
    }
  }

  private static Event toEvent(JsonNode root) {
    String eventId = requiredId(root, "event_id");
    String userId = requiredId(root, "user_id");
    String name = requiredString(root, "name");
    if (name.length() > MAX_NAME_CHARS) {
      throw new InvalidField("name: longer than " + MAX_NAME_CHARS + " characters");
    }
    if (name.startsWith("_")) {
      throw new InvalidField("name: names starting with '_' are reserved (_sessions, _micro, _macro)");
    }
    long ts = timestamp(root.get("ts"));
    String conversionText = optionalString(root, "conversion");
    Conversion conversion = conversionText == null ? null : Conversion.fromWire(conversionText);
    if (conversionText != null && conversion == null) {
      throw new InvalidField("conversion: expected \"micro\" or \"macro\", got " + quote(conversionText));
    }
    return new Event(
        eventId,
        userId,
        name,
        ts,
        optionalString(root, "source"),
        optionalString(root, "partner"),
        optionalString(root, "campaign"),
        optionalString(root, "page"),
        conversion,
        properties(root.get("properties")));
  }

  private static String requiredId(JsonNode root, String field) {
    String value = requiredString(root, field);
    if (value.indexOf('\0') >= 0) {
      throw new InvalidField(field + ": must not contain the NUL character");
    }
    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
      throw new InvalidField(field + ": longer than " + MAX_ID_BYTES + " bytes");
    }
    return value;
  }

  private static String requiredString(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      throw new InvalidField(field + ": required");
    }
    if (!node.isTextual()) {
      throw new InvalidField(field + ": expected a string, got " + node.getNodeType().name().toLowerCase());
    }
    if (node.textValue().isEmpty()) {
      throw new InvalidField(field + ": must not be empty");
    }
    return node.textValue();
  }

  private static String optionalString(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new InvalidField(field + ": expected a string, got " + node.getNodeType().name().toLowerCase());
    }
    return node.textValue();
  }

  private static long timestamp(JsonNode node) {
    if (node == null || node.isNull()) {
      throw new InvalidField("ts: required");
    }
    long millis;
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      millis = node.longValue();
    } else if (node.isTextual()) {
      try {
        millis = OffsetDateTime.parse(node.textValue()).toInstant().toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new InvalidField(
            "ts: expected ISO-8601 with an offset (2024-05-01T10:15:30Z) or epoch milliseconds, got "
                + quote(node.textValue()));
      }
    } else {
      throw new InvalidField("ts: expected an ISO-8601 string or epoch milliseconds, got " + node);
    }
    if (millis < 0 || millis >= MAX_EPOCH_MILLIS) {
      throw new InvalidField("ts: " + millis + " is outside 1970..2100 (seconds sent instead of milliseconds?)");
    }
    return millis;
  }

  private static Map<String, Object> properties(JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new InvalidField("properties: expected an object of strings and numbers");
    }
    Map<String, Object> properties = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode value = field.getValue();
      if (value.isTextual()) {
        properties.put(field.getKey(), value.textValue());
      } else if (value.isIntegralNumber() && value.canConvertToLong()) {
        properties.put(field.getKey(), value.longValue());
      } else if (value.isNumber()) {
        properties.put(field.getKey(), value.doubleValue());
      } else {
        throw new InvalidField("properties." + field.getKey() + ": expected a string or a number");
      }
    }
    return properties;
  }

  private static String quote(String value) {
    String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
    return '"' + shown + '"';
  }

  private static final class InvalidField extends RuntimeException {
    InvalidField(String message) {
      super(message, null, false, false);
    }
  }
}
