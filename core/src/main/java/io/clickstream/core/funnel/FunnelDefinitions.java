package io.clickstream.core.funnel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.core.DimensionName;
import io.clickstream.core.Dimensions;
import io.clickstream.core.funnel.FunnelDefinition.Exclusion;
import io.clickstream.core.funnel.FunnelDefinition.Order;
import io.clickstream.core.funnel.FunnelDefinition.Scope;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads and writes funnel definitions as JSON; the one place their rules are checked. */
public final class FunnelDefinitions {

  public static final int MIN_STEPS = 2;
  public static final int MAX_STEPS = 20;

  /**
   * Exclusions per funnel: each is checked against every event between its steps, so a strict
   * funnel's firing costs O(exclusions × n²) in its n events.
   */
  public static final int MAX_EXCLUSIONS = 10;

  /** {@code where} conditions per step (and per exclusion): each is checked per event and step. */
  public static final int MAX_CONDITIONS = 10;

  /**
   * Funnels defined at once (in {@code cs:funnels}): the pipeline evaluates every one on every
   * session, and writes results per funnel and minute. Checked by the API when it stores one.
   */
  public static final int MAX_FUNNELS = 100;

  /**
   * Versions kept per funnel ({@code cs:funnel:{id}:versions}): storing a new one drops those this
   * many versions older. Only the API reads old versions (the pipeline evaluates the current one);
   * their results keys stay until they expire.
   */
  public static final int MAX_VERSIONS_KEPT = 50;

  /**
   * The longest conversion window of a user-scope funnel. The pipeline keeps each user's events for
   * the window plus the session gap and the allowed lateness, so the window bounds state per user;
   * and a restarted Direct pipeline rebuilds only the attempts its replay covers (docs/funnels.md).
   */
  public static final Duration MAX_WINDOW = Duration.ofDays(30);

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Set<String> FIELDS =
      Set.of("page", "source", "partner", "campaign", "conversion");
  private static final Set<String> KNOWN =
      Set.of(
          "id",
          "name",
          "steps",
          "order",
          "scope",
          "window",
          "exclude",
          "breakdown",
          "version",
          "live_from");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private FunnelDefinitions() {}

  /** Checks that an id may name a funnel (it appears in URLs and Redis keys). */
  public static String checkId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new InvalidFunnelException("id", "expected 1 to 64 letters, digits, '_' or '-'");
    }
    return id;
  }

  /**
   * Parses a definition as a client sends it. {@code pathId} is the id from the URL: the body may
   * omit its {@code id}, but may not contradict it. {@code version} and {@code live_from} are taken
   * as given (the store assigns them).
   */
  public static FunnelDefinition parse(String json, String pathId) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidFunnelException("body", "not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidFunnelException("body", "expected a JSON object");
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!KNOWN.contains(field)) {
        throw new InvalidFunnelException(
            field, "unknown field (known: " + String.join(", ", KNOWN) + ")");
      }
    }
    String id = checkId(root.hasNonNull("id") ? text(root, "id") : pathId);
    if (pathId != null && !pathId.equals(id)) {
      throw new InvalidFunnelException(
          "id", "\"" + id + "\" does not match the URL's \"" + pathId + "\"");
    }
    String name = root.hasNonNull("name") ? text(root, "name") : id;
    List<FunnelStep> steps = steps(root.get("steps"));
    Order order = enumValue(root, "order", Order.class, Order.SEQUENTIAL);
    Scope scope = enumValue(root, "scope", Scope.class, Scope.SESSION);
    Duration window = window(root.get("window"), scope);
    if (scope == Scope.USER && order != Order.SEQUENTIAL) {
      throw new InvalidFunnelException("order", "scope \"user\" supports only \"sequential\"");
    }
    List<Exclusion> exclusions = exclusions(root.get("exclude"), steps.size());
    List<DimensionName> breakdown = breakdown(root.get("breakdown"));
    int version = root.hasNonNull("version") ? root.get("version").asInt() : 0;
    long liveFrom = root.hasNonNull("live_from") ? root.get("live_from").asLong() : 0L;
    return new FunnelDefinition(
        id, name, steps, order, scope, window, exclusions, breakdown, version, liveFrom);
  }

  public static String toJson(FunnelDefinition f) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("id", f.id());
    root.put("name", f.name());
    ArrayNode steps = root.putArray("steps");
    f.steps().forEach(s -> steps.add(stepJson(s)));
    root.put("order", f.order().name().toLowerCase(Locale.ROOT));
    root.put("scope", f.scope().name().toLowerCase(Locale.ROOT));
    if (f.window() != null) {
      root.put("window", f.window().toString());
    }
    ArrayNode exclude = root.putArray("exclude");
    for (Exclusion x : f.exclusions()) {
      ObjectNode node = stepJson(x.event());
      node.put("after_step", x.afterStep());
      if (x.beforeStep() != null) {
        node.put("before_step", x.beforeStep());
      }
      exclude.add(node);
    }
    ArrayNode breakdown = root.putArray("breakdown");
    f.breakdown().forEach(d -> breakdown.add(d.wireName()));
    root.put("version", f.version());
    root.put("live_from", f.liveFromMillis());
    return root.toString();
  }

  private static ObjectNode stepJson(FunnelStep step) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("event", step.event());
    if (!step.where().isEmpty()) {
      ObjectNode where = node.putObject("where");
      step.where().forEach(where::putPOJO);
    }
    return node;
  }

  private static List<FunnelStep> steps(JsonNode node) {
    if (node == null || node.isNull()) {
      throw new InvalidFunnelException("steps", "required");
    }
    if (!node.isArray() || node.size() < MIN_STEPS || node.size() > MAX_STEPS) {
      throw new InvalidFunnelException(
          "steps", "expected an array of " + MIN_STEPS + " to " + MAX_STEPS + " steps");
    }
    List<FunnelStep> steps = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      steps.add(step(node.get(i), "steps[" + i + "]", Set.of("event", "where")));
    }
    return steps;
  }

  /**
   * One step, {@code {"event": ..., "where": {...}}}, checked as a definition's steps are; errors
   * name the field under {@code path}. The query API's filters ({@code sample}) are read here.
   */
  public static FunnelStep step(JsonNode node, String path) {
    return step(node, path, Set.of("event", "where"));
  }

  private static FunnelStep step(JsonNode node, String path, Set<String> allowed) {
    if (!node.isObject()) {
      throw new InvalidFunnelException(path, "expected an object with \"event\"");
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!allowed.contains(field)) {
        throw new InvalidFunnelException(path + "." + field, "unknown field");
      }
    }
    JsonNode event = node.get("event");
    if (event == null || !event.isTextual() || event.textValue().isEmpty()) {
      throw new InvalidFunnelException(path + ".event", "required: an event name");
    }
    Map<String, Object> where = new LinkedHashMap<>();
    JsonNode whereNode = node.get("where");
    if (whereNode != null && !whereNode.isNull()) {
      if (!whereNode.isObject()) {
        throw new InvalidFunnelException(path + ".where", "expected an object of field: value");
      }
      if (whereNode.size() > MAX_CONDITIONS) {
        throw new InvalidFunnelException(
            path + ".where", "at most " + MAX_CONDITIONS + " conditions, got " + whereNode.size());
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = whereNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> condition = it.next();
        String field = condition.getKey();
        String fieldPath = path + ".where." + field;
        if (!FIELDS.contains(field) && !(field.startsWith("properties.") && field.length() > 11)) {
          throw new InvalidFunnelException(
              fieldPath,
              "unknown field (page, source, partner, campaign, conversion or properties.NAME)");
        }
        JsonNode value = condition.getValue();
        if (value.isTextual()) {
          where.put(field, value.textValue());
        } else if (value.isIntegralNumber() && value.canConvertToLong()) {
          where.put(field, value.longValue());
        } else if (value.isNumber()) {
          where.put(field, value.doubleValue());
        } else {
          throw new InvalidFunnelException(fieldPath, "expected a string or a number");
        }
      }
    }
    return new FunnelStep(event.textValue(), where);
  }

  private static List<Exclusion> exclusions(JsonNode node, int stepCount) {
    List<Exclusion> exclusions = new ArrayList<>();
    if (node == null || node.isNull()) {
      return exclusions;
    }
    if (!node.isArray()) {
      throw new InvalidFunnelException("exclude", "expected an array");
    }
    if (node.size() > MAX_EXCLUSIONS) {
      throw new InvalidFunnelException(
          "exclude", "at most " + MAX_EXCLUSIONS + " exclusions, got " + node.size());
    }
    for (int i = 0; i < node.size(); i++) {
      String path = "exclude[" + i + "]";
      JsonNode x = node.get(i);
      FunnelStep event = step(x, path, Set.of("event", "where", "after_step", "before_step"));
      int after = stepNumber(x.get("after_step"), path + ".after_step", stepCount, true);
      Integer before =
          x.hasNonNull("before_step")
              ? stepNumber(x.get("before_step"), path + ".before_step", stepCount, false)
              : null;
      if (before != null && before <= after) {
        throw new InvalidFunnelException(
            path + ".before_step", "must be greater than after_step (" + after + ")");
      }
      exclusions.add(new Exclusion(event, after, before));
    }
    return exclusions;
  }

  private static int stepNumber(JsonNode node, String path, int stepCount, boolean required) {
    if (node == null || node.isNull()) {
      throw new InvalidFunnelException(path, required ? "required" : "expected a step number");
    }
    if (!node.isIntegralNumber() || node.asInt() < 1 || node.asInt() > stepCount) {
      throw new InvalidFunnelException(path, "expected a step number from 1 to " + stepCount);
    }
    return node.asInt();
  }

  private static List<DimensionName> breakdown(JsonNode node) {
    List<DimensionName> dims = new ArrayList<>();
    if (node == null || node.isNull()) {
      return dims;
    }
    if (!node.isArray()) {
      throw new InvalidFunnelException(
          "breakdown", "expected an array of dimension names: " + DimensionName.FORMS);
    }
    if (node.size() > Dimensions.MAX) { // each one multiplies the fields of every result
      throw new InvalidFunnelException(
          "breakdown", "at most " + Dimensions.MAX + " dimensions, got " + node.size());
    }
    for (int i = 0; i < node.size(); i++) {
      if (!node.get(i).isTextual()) {
        throw new InvalidFunnelException(
            "breakdown[" + i + "]", "expected a dimension name: " + DimensionName.FORMS);
      }
      DimensionName d;
      try {
        d = DimensionName.parse(node.get(i).textValue());
      } catch (IllegalArgumentException e) {
        throw new InvalidFunnelException("breakdown[" + i + "]", e.getMessage());
      }
      if (!dims.contains(d)) {
        dims.add(d);
      }
    }
    return dims;
  }

  private static Duration window(JsonNode node, Scope scope) {
    if (node == null || node.isNull()) {
      if (scope == Scope.USER) {
        throw new InvalidFunnelException(
            "window", "required for scope \"user\" (an ISO-8601 duration such as PT1H)");
      }
      return null;
    }
    if (scope == Scope.SESSION) {
      throw new InvalidFunnelException(
          "window", "applies only to scope \"user\" (a session is its own window)");
    }
    try {
      Duration window = Duration.parse(node.asText());
      if (window.isNegative() || window.isZero()) {
        throw new InvalidFunnelException("window", "must be positive");
      }
      if (window.compareTo(MAX_WINDOW) > 0) {
        throw new InvalidFunnelException(
            "window",
            "at most "
                + MAX_WINDOW.toDays()
                + " days (P"
                + MAX_WINDOW.toDays()
                + "D), got "
                + node.asText()
                + ": the pipeline keeps each user's events for the whole window");
      }
      return window;
    } catch (DateTimeParseException e) {
      throw new InvalidFunnelException(
          "window", "expected an ISO-8601 duration such as PT1H, got \"" + node.asText() + "\"");
    }
  }

  private static String text(JsonNode root, String field) {
    JsonNode node = root.get(field);
    if (!node.isTextual()) {
      throw new InvalidFunnelException(field, "expected a string");
    }
    return node.textValue();
  }

  private static <E extends Enum<E>> E enumValue(
      JsonNode root, String field, Class<E> type, E fallback) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    for (E value : type.getEnumConstants()) {
      if (node.isTextual() && value.name().toLowerCase(Locale.ROOT).equals(node.textValue())) {
        return value;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E value : type.getEnumConstants()) {
      allowed.add(value.name().toLowerCase(Locale.ROOT));
    }
    throw new InvalidFunnelException(
        field, "expected one of " + String.join(", ", allowed) + ", got " + node);
  }
}
