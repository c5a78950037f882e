package io.clickstream.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One notebook of {@code /api/notebooks/{id}} (docs/notebook.md, "Notebooks"): read it, store it
 * (with the API token), delete it, or run its query cells in order, as the dashboard does when it
 * opens one: {@code cs.notebook("where-do-customers-drop-off").run()}.
 */
public final class Notebook {

  private final Api api;
  private final String id;

  Notebook(Api api, String id) {
    this.api = api;
    this.id = id;
  }

  private String path() {
    return "/api/notebooks/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
  }

  /** The stored notebook: {@code {"id","title","cells","updated_at"}}; a 404 when there is none. */
  public JsonNode get() {
    return api.read(path());
  }

  /**
   * Stores {@code notebook}, a JSON object ({@code {"title":...,"cells":[...]}}), under this id,
   * replacing any stored one; a write, so with the API token.
   *
   * @return the notebook as stored (with {@code updated_at})
   */
  public JsonNode save(String notebook) {
    return api.write("PUT", path(), notebook);
  }

  public JsonNode save(JsonNode notebook) {
    return save(notebook.toString());
  }

  /** Stores the notebook a file holds (as the dashboard's JSON download of a notebook has it). */
  public JsonNode save(Path file) {
    try {
      return save(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Deletes the stored notebook, with the API token; a 404 when there is none. */
  public void delete() {
    api.write("DELETE", path(), null);
  }

  /**
   * Runs the query cells in order and prints each result on standard output ({@link
   * #run(PrintStream)}).
   */
  public List<Result> run() {
    return run(System.out);
  }

  /**
   * Runs the stored notebook's query cells in order, each once (a live cell too), printing its
   * markdown cells' text and each result as {@link Result#show} does; a history kind's progress
   * goes to standard error. A cell the server refuses stops the run, its error naming the cell
   * ({@code cells[2].query.by: required: ...}), as a refused stored notebook's would.
   *
   * @return the results, one per query cell, in order
   */
  public List<Result> run(PrintStream out) {
    JsonNode notebook = get();
    out.println("# " + notebook.path("title").asText(id));
    List<Result> results = new ArrayList<>();
    JsonNode cells = notebook.path("cells");
    for (int i = 0; i < cells.size(); i++) {
      JsonNode cell = cells.get(i);
      if (!cell.path("type").asText().equals("query")) {
        out.println();
        out.println(cell.path("text").asText());
        continue;
      }
      out.println();
      out.println("[" + i + "] " + cell.get("query"));
      Result result;
      try {
        result = new Result(api.query(cell.get("query"), System.err), api);
      } catch (ClickstreamException e) {
        throw e.inCell("cells[" + i + "].query");
      }
      result.show(out);
      results.add(result);
    }
    out.flush();
    return results;
  }

  @Override
  public String toString() {
    return "notebook " + id;
  }
}
