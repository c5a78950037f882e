package io.clickstream.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One query of the query model (docs/notebook.md): its kind, and its other fields as the parameters
 * {@link QueryParams} reads, so that a query asks exactly what the GET routes' parameters ask and
 * is checked by the same code. Only the shape is checked here: which fields a kind takes, and that
 * each is a string or a number (a nested query for {@code compare}).
 */
final class QueryRequest {

  /** The kinds answered from Redis, with the fields each takes besides {@code kind}. */
  enum Kind {
    COUNTS("event", "by", "step", "from", "to", "tz", "limit"),
    TOP("event", "by", "from", "to", "limit"),
    FUNNEL("funnel", "version", "by", "step", "from", "to", "tz", "limit", "compare"),
    SESSIONS("by", "step", "from", "to", "tz", "limit"),
    COMPARE("query", "with");

    final List<String> fields;

    Kind(String... fields) {
      this.fields = List.of(fields);
    }

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The kinds that will read the stored events (HBase) as Beam jobs: part of the model, so a
   * notebook may hold them, but not answered yet.
   */
  static final List<String> HISTORY_KINDS =
      List.of("funnel_preview", "paths", "time_to_convert", "timeline", "sample");

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

  /** A query to answer now: a history kind is refused as not available yet. */
  static QueryRequest of(ObjectNode body) {
    QueryRequest query = shaped(body, "");
    if (query == null) {
      throw new BadRequest(
          "kind",
          "'"
              + body.get("kind").asText()
              + "' is not available yet: it reads the stored events, which comes in a later"
              + " release; the kinds answered now are "
              + live());
    }
    return query;
  }

  /**
   * Checks a query a notebook stores: a live kind as {@link #of} does; a history kind by its kind
   * alone, since its fields are not defined yet.
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

  /** {@code compare}'s query; its errors name their fields under {@code query.}. */
  QueryRequest compared() {
    return shaped((ObjectNode) body.get("query"), path + "query.");
  }

  /**
   * The query's kind with its fields checked, or null for a history kind (whose fields are not
   * checked).
   */
  private static QueryRequest shaped(ObjectNode body, String path) {
    JsonNode kindNode = body.get("kind");
    if (kindNode == null || !kindNode.isTextual()) {
      throw new BadRequest(
          path + "kind", "required: one of " + live() + "; or, not yet, " + history());
    }
    String wire = kindNode.asText();
    if (HISTORY_KINDS.contains(wire)) {
      return null;
    }
    Kind kind =
        Arrays.stream(Kind.values())
            .filter(k -> k.wireName().equals(wire))
            .findFirst()
            .orElse(null);
    if (kind == null) {
      throw new BadRequest(
          path + "kind",
          "unknown kind '"
              + BadRequest.shown(wire)
              + "'; the kinds are "
              + live()
              + "; and, not yet, "
              + history());
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
          || shaped(inner, path + name + ".") == null) {
        throw new BadRequest(
            path + name + ".kind", "a comparison compares a counts, top, funnel or sessions query");
      }
    } else if (kind == Kind.COMPARE && name.equals("with")) {
      if (!PREVIOUS.equals(value.isTextual() ? value.asText() : null)) {
        throw new BadRequest(path + name, "must be \"" + PREVIOUS + "\"");
      }
    } else if (!value.isTextual() && !value.isNumber()) {
      throw new BadRequest(path + name, "expected a string or a number");
    }
  }

  private static String live() {
    return String.join(", ", Arrays.stream(Kind.values()).map(Kind::wireName).toList());
  }

  private static String history() {
    return String.join(", ", HISTORY_KINDS);
  }
}
