package io.clickstream.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses and validates one JSON event. Never throws, whatever the input: every rejection carries a
 * reason that names the field at fault, because the reason is what a user reads in the dead-letter
 * store, and one row that made the parser throw would stop the pipeline on every replay of it.
 */
public final class EventParser {

  /** Row keys are built from ids; HBase caps a row key at 32 KiB, so ids stay well below. */
  static final int MAX_ID_BYTES = 1024;

  static final int MAX_NAME_CHARS = 1024;

  /**
   * Real events are a few hundred characters; the cap bounds the work and memory one row can cost.
   */
  static final int MAX_EVENT_CHARS = 64 * 1024;

  static final int MAX_PROPERTIES = 100;

  static final int MAX_PROPERTY_NAME_CHARS = 256;

  /** An event is flat apart from {@code properties}; deeper input is hostile, not an event. */
  static final int MAX_NESTING = 16;

  /**
   * Epoch milliseconds accepted for {@code ts}: from 0 (1970) up to this one (2100), excluded, so a
   * seconds-vs-millis mix-up is caught. Public because the query API accepts the same range.
   */
  public static final long MAX_EPOCH_MILLIS = 4_102_444_800_000L;

  private static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(MAX_NESTING)
                      .maxNumberLength(64)
                      .maxStringLength(MAX_EVENT_CHARS)
                      .build())
              .build());

  private EventParser() {}

  public static ParseResult parse(String json) {
    if (json == null) {
      return ParseResult.rejected("empty row: no JSON");
    }
    if (json.length() > MAX_EVENT_CHARS) {
      return ParseResult.rejected("event: longer than " + MAX_EVENT_CHARS + " characters");
    }
    try {
      return parseObject(json);
    } catch (RuntimeException e) {
      // A last wall: the checks below are meant to leave nothing that throws, but a row that found
      // a
      // gap must become a rejection with a reason, never an exception that stops whoever reads it.
      return ParseResult.rejected("unreadable event: " + e);
    }
  }

  private static ParseResult parseObject(String json) {
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
      throw new InvalidField(
          "name: names starting with '_' are reserved (_sessions, _micro, _macro, _other_events)");
    }
    long ts = timestamp(root.get("ts"));
    String conversionText = optionalString(root, "conversion");
    Conversion conversion = conversionText == null ? null : Conversion.fromWire(conversionText);
    if (conversionText != null && conversion == null) {
      throw new InvalidField(
          "conversion: expected \"micro\" or \"macro\", got " + quote(conversionText));
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
    String value = optionalString(root, field);
    if (value == null) {
      throw new InvalidField(field + ": required");
    }
    if (value.isEmpty()) {
      throw new InvalidField(field + ": must not be empty");
    }
    return value;
  }

  private static String optionalString(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new InvalidField(field + ": expected a string, got " + typeOf(node));
    }
    return wellFormed(field, node.textValue());
  }

  /**
   * Refuses text with a lone UTF-16 surrogate (JSON's {@code "\ud800"}): it has no UTF-8 form, so
   * two different ids would become the same row key, and a value would change on its way to Redis.
   */
  private static String wellFormed(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InvalidField(
            field
                + ": contains an unpaired surrogate (\\u"
                + Integer.toHexString(c)
                + ") at character "
                + i
                + ", which has no UTF-8 form");
      }
    }
    return value;
  }

  private static long timestamp(JsonNode node) {
    if (node == null || node.isNull()) {
      throw new InvalidField("ts: required");
    }
    long millis;
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      millis = node.longValue();
    } else if (node.isIntegralNumber()) {
      throw new InvalidField("ts: " + quote(node.asText()) + " is outside 1970..2100");
    } else if (node.isTextual()) {
      millis = isoMillis(wellFormed("ts", node.textValue()));
    } else {
      throw new InvalidField(
          "ts: expected an ISO-8601 string or epoch milliseconds, got "
              + typeOf(node)
              + (node.isNumber() ? " " + quote(node.asText()) : ""));
    }
    if (millis < 0 || millis >= MAX_EPOCH_MILLIS) {
      throw new InvalidField(
          "ts: " + millis + " is outside 1970..2100 (seconds sent instead of milliseconds?)");
    }
    return millis;
  }

  private static long isoMillis(String text) {
    OffsetDateTime parsed;
    try {
      parsed = OffsetDateTime.parse(text);
    } catch (DateTimeException e) {
      throw new InvalidField(
          "ts: expected ISO-8601 with an offset (2024-05-01T10:15:30Z) or epoch milliseconds, got "
              + quote(text));
    }
    // Checked before converting: a year such as +300000000 overflows epoch milliseconds.
    int year = parsed.getYear();
    if (year < 1969 || year > 2101) {
      throw new InvalidField("ts: " + quote(text) + " is outside 1970..2100");
    }
    return parsed.toInstant().toEpochMilli();
  }

  private static Map<String, Object> properties(JsonNode node) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new InvalidField(
          "properties: expected an object of strings and numbers, got " + typeOf(node));
    }
    if (node.size() > MAX_PROPERTIES) {
      throw new InvalidField(
          "properties: more than " + MAX_PROPERTIES + " properties (" + node.size() + ")");
    }
    Map<String, Object> properties = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = field.getKey();
      if (key.isEmpty() || key.length() > MAX_PROPERTY_NAME_CHARS) {
        throw new InvalidField(
            "properties: a property name has 1 to "
                + MAX_PROPERTY_NAME_CHARS
                + " characters, got "
                + quote(key));
      }
      String path = "properties." + wellFormed("properties", key);
      properties.put(key, propertyValue(path, field.getValue()));
    }
    return properties;
  }

  private static Object propertyValue(String path, JsonNode value) {
    if (value.isTextual()) {
      return wellFormed(path, value.textValue());
    }
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return value.longValue();
    }
    if (value.isNumber() && Double.isFinite(value.doubleValue())) {
      return value.doubleValue();
    }
    if (value.isNumber()) {
      throw new InvalidField(path + ": the number " + quote(value.asText()) + " is out of range");
    }
    throw new InvalidField(path + ": expected a string or a number, got " + typeOf(value));
  }

  private static String typeOf(JsonNode node) {
    return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
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
