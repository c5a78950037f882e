package io.clickstream.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One query of the query model (docs/notebook.md): its kind, and its other fields as the parameters
 * {@link QueryParams} reads, so that a query asks exactly what the GET routes' parameters ask and
 * is checked by the same code. Only the shape is checked here: which fields a kind takes, and that
 * each is a string or a number (a nested query for {@code compare}).
 */
final class QueryRequest {

  /**
   * The kinds, with the fields each takes besides {@code kind}: the live ones answered from Redis,
   * the history ones by a job reading the stored events (HBase), {@link HistoryQueries}.
   */
  enum Kind {
    COUNTS(false, "event", "by", "step", "from", "to", "tz", "limit"),
    TOP(false, "event", "by", "from", "to", "limit"),
    FUNNEL(false, "funnel", "version", "by", "step", "from", "to", "tz", "limit", "compare"),
    SESSIONS(false, "by", "step", "from", "to", "tz", "limit"),
    COMPARE(false, "query", "with"),
    FUNNEL_PREVIEW(true, "steps", "order", "scope", "window", "by", "from", "to"),
    PATHS(true, "after", "before", "funnel", "step", "depth", "limit", "from", "to"),
    TIME_TO_CONVERT(
        true, "funnel", "steps", "order", "scope", "window", "from_step", "to_step", "from", "to"),
    TIMELINE(true, "user", "from", "to", "limit", "cursor"),
    SAMPLE(true, "event", "where", "from", "to", "limit");

    final boolean history;
    final List<String> fields;

    Kind(boolean history, String... fields) {
      this.history = history;
      this.fields = List.of(fields);
    }

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The fields that hold JSON rather than a string or a number: a funnel's steps, a filter. */
  private static final Map<String, JsonNodeType> STRUCTURED =
      Map.of("steps", JsonNodeType.ARRAY, "where", JsonNodeType.OBJECT);

  /** What {@code compare}'s {@code with} may be. */
  static final String PREVIOUS = "previous";

  final Kind kind;
  private final ObjectNode body;
  private final String path;

  private QueryRequest(Kind kind, ObjectNode body, String path) {
    this.kind = kind;
    this.body = body;
    this.path = path;
  }

  /** A query to answer, its fields' shapes checked. */
  static QueryRequest of(ObjectNode body) {
    return shaped(body, "");
  }

  /**
   * Checks a query a notebook stores as {@link #of} does.
   *
   * @param path the query's place in the notebook, e.g. {@code cells[2].query}, prefixed to the
   *     field an error names
   */
  static void checkStored(JsonNode query, String path) {
    if (!(query instanceof ObjectNode object)) {
      throw new BadRequest(path, "expected a query: a JSON object with a kind");
    }
    shaped(object, path + ".");
  }

  /**
   * The query's fields as parameters: a string as it is, a number as its text, a missing or null
   * field as not given.
   */
  Function<String, String> params() {
    return name -> {
      JsonNode value = body.get(name);
      return value == null || value.isNull() ? null : value.asText();
    };
  }

  /** A structured field ({@code steps}, {@code where}), or null when not given. */
  JsonNode node(String name) {
    JsonNode value = body.get(name);
    return value == null || value.isNull() ? null : value;
  }

  /**
   * The query as its cache knows it: its fields in name order, with {@code from} and {@code to}
   * replaced by the instants they resolved to, so that two spellings of one query are one entry.
   */
  String normalized(QueryParams.Range range) {
    TreeMap<String, JsonNode> fields = new TreeMap<>();
    body.fields()
        .forEachRemaining(
            field -> {
              if (!field.getValue().isNull()) {
                fields.put(field.getKey(), field.getValue());
              }
            });
    ObjectNode sorted = body.objectNode();
    fields.forEach(sorted::set);
    sorted.put("from", range.from().toString());
    sorted.put("to", range.to().toString());
    return sorted.toString();
  }

  /** {@code compare}'s query; its errors name their fields under {@code query.}. */
  QueryRequest compared() {
    return shaped((ObjectNode) body.get("query"), path + "query.");
  }

  /** The query's kind with its fields' shapes checked. */
  private static QueryRequest shaped(ObjectNode body, String path) {
    JsonNode kindNode = body.get("kind");
    if (kindNode == null || !kindNode.isTextual()) {
      throw new BadRequest(path + "kind", "required: one of " + kinds());
    }
    String wire = kindNode.asText();
    Kind kind =
        Arrays.stream(Kind.values())
            .filter(k -> k.wireName().equals(wire))
            .findFirst()
            .orElse(null);
    if (kind == null) {
      throw new BadRequest(
          path + "kind", "unknown kind '" + BadRequest.shown(wire) + "'; the kinds are " + kinds());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      if (name.equals("kind")) {
        continue;
      }
      if (!kind.fields.contains(name)) {
        throw new BadRequest(
            path + BadRequest.shown(name),
            "not a field of a "
                + kind.wireName()
                + " query, which takes "
                + String.join(", ", kind.fields));
      }
      checkValue(kind, path, name, field.getValue());
    }
    if (kind == Kind.COMPARE && !(body.get("query") instanceof ObjectNode)) {
      throw new BadRequest(path + "query", "required: the query to compare, a JSON object");
    }
    return new QueryRequest(kind, body, path);
  }

  private static void checkValue(Kind kind, String path, String name, JsonNode value) {
    if (value.isNull()) {
      return; // as if not given
    }
    if (kind == Kind.COMPARE && name.equals("query")) {
      if (!(value instanceof ObjectNode inner)) {
        throw new BadRequest(path + name, "expected the query to compare, a JSON object");
      }
      // Checked before the query's own fields, so that a nested comparison is named as such.
      if (Kind.COMPARE.wireName().equals(inner.path("kind").asText())
          || shaped(inner, path + name + ".").kind.history) {
        throw new BadRequest(
            path + name + ".kind", "a comparison compares a counts, top, funnel or sessions query");
      }
    } else if (kind == Kind.COMPARE && name.equals("with")) {
      if (!PREVIOUS.equals(value.isTextual() ? value.asText() : null)) {
        throw new BadRequest(path + name, "must be \"" + PREVIOUS + "\"");
      }
    } else if (STRUCTURED.containsKey(name)) {
      if (value.getNodeType() != STRUCTURED.get(name)) {
        throw new BadRequest(
            path + name,
            STRUCTURED.get(name) == JsonNodeType.ARRAY
                ? "expected an array of steps"
                : "expected an object of field: value");
      }
    } else if (!value.isTextual() && !value.isNumber()) {
      throw new BadRequest(path + name, "expected a string or a number");
    }
  }

  private static String kinds() {
    return String.join(", ", Arrays.stream(Kind.values()).map(Kind::wireName).toList());
  }
}
