package io.clickstream.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A notebook document (docs/notebook.md, "Notebooks"): a title and cells, each markdown text or a
 * query with whether to run it live. Validated here, kept in the form {@link #toJson} writes, so
 * that what is stored is bounded and every cell is one the dashboard can show.
 *
 * @param cells validated cells, as they are stored
 */
record Notebook(String id, String title, ArrayNode cells) {

  /**
   * The largest notebook body accepted: room for a hundred cells of text and queries, while a
   * hundred notebooks stay 25 MB of Redis at most.
   */
  static final int MAX_BYTES = 256 * 1024;

  static final int MAX_CELLS = 100;

  static final int MAX_TITLE_CHARS = 200;

  /** How many notebooks may be stored at once: each costs up to {@link #MAX_BYTES} of Redis. */
  static final int MAX_NOTEBOOKS = 100;

  /**
   * The characters of a funnel id: a valid id needs no escaping in a key, and anything else cannot
   * name a stored notebook.
   */
  static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final List<String> FIELDS = List.of("id", "title", "cells", "updated_at");

  /**
   * The notebook a PUT body describes, for the id in its URL (the body may omit {@code id}; if it
   * has one, it must be the URL's). {@code updated_at} in the body is ignored: the store sets it.
   */
  static Notebook parse(ObjectNode body, String pathId) {
    if (!ID.matcher(pathId).matches()) {
      throw new BadRequest("id", "expected 1 to 64 letters, digits, '_' or '-'");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new BadRequest(
            BadRequest.shown(name),
            "not a field of a notebook, which has " + String.join(", ", FIELDS));
      }
    }
    JsonNode id = body.get("id");
    if (id != null && !id.isNull() && !id.asText().equals(pathId)) {
      throw new BadRequest(
          "id",
          "\"" + BadRequest.shown(id.asText()) + "\" does not match the URL's \"" + pathId + "\"");
    }
    JsonNode title = body.get("title");
    if (title == null || !title.isTextual() || title.asText().isBlank()) {
      throw new BadRequest("title", "required: a text of 1 to " + MAX_TITLE_CHARS + " characters");
    }
    if (title.asText().length() > MAX_TITLE_CHARS) {
      throw new BadRequest(
          "title", "at most " + MAX_TITLE_CHARS + " characters, got " + title.asText().length());
    }
    JsonNode cells = body.get("cells");
    if (!(cells instanceof ArrayNode array)) {
      throw new BadRequest("cells", "required: an array of at most " + MAX_CELLS + " cells");
    }
    if (array.size() > MAX_CELLS) {
      throw new BadRequest("cells", "at most " + MAX_CELLS + " cells, got " + array.size());
    }
    ArrayNode checked = MAPPER.createArrayNode();
    for (int i = 0; i < array.size(); i++) {
      checked.add(cell(array.get(i), "cells[" + i + "]"));
    }
    return new Notebook(pathId, title.asText(), checked);
  }

  /** The document as stored and answered, with when it was stored. */
  String toJson(Instant updatedAt) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("id", id);
    node.put("title", title);
    node.set("cells", cells);
    node.put("updated_at", updatedAt.toString());
    return node.toString();
  }

  private static ObjectNode cell(JsonNode cell, String path) {
    if (!(cell instanceof ObjectNode object)) {
      throw new BadRequest(path, "expected a cell: a JSON object with a type");
    }
    String type = object.path("type").asText("");
    ObjectNode checked = MAPPER.createObjectNode();
    checked.put("type", type);
    switch (type) {
      case "markdown" -> {
        onlyFields(object, path, "markdown", List.of("type", "text"));
        JsonNode text = object.get("text");
        if (text == null || !text.isTextual()) {
          throw new BadRequest(path + ".text", "required: the cell's markdown, a string");
        }
        checked.set("text", text);
      }
      case "query" -> {
        onlyFields(object, path, "query", List.of("type", "query", "live"));
        QueryRequest.checkStored(object.get("query"), path + ".query");
        JsonNode live = object.get("live");
        if (live != null && !live.isBoolean()) {
          throw new BadRequest(path + ".live", "expected true or false");
        }
        checked.set("query", object.get("query"));
        checked.put("live", live != null && live.asBoolean());
      }
      default ->
          throw new BadRequest(
              path + ".type",
              "expected \"markdown\" or \"query\", got '" + BadRequest.shown(type) + "'");
    }
    return checked;
  }

  private static void onlyFields(ObjectNode cell, String path, String type, List<String> fields) {
    for (Iterator<String> names = cell.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw new BadRequest(
            path + "." + BadRequest.shown(name),
            "not a field of a " + type + " cell, which has " + String.join(", ", fields));
      }
    }
  }
}
