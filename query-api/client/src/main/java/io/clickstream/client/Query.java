package io.clickstream.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * One query of the query model, built field by field and run by its terminal methods ({@link #run},
 * {@link #show}, {@link #rows}, {@link #toCsv}, {@link #chart}). The fields are those of
 * docs/notebook.md; one a kind does not take is refused by the server with a message naming it.
 */
public final class Query {

  private final Api api;
  private final ObjectNode body = Api.MAPPER.createObjectNode();

  Query(Api api, String kind) {
    this.api = api;
    body.put("kind", kind);
  }

  /** Sets any field, for those without a method of their own; null removes it. */
  public Query with(String field, Object value) {
    if (value == null) {
      body.remove(field);
    } else {
      body.set(field, Api.MAPPER.valueToTree(value));
    }
    return this;
  }

  /** The dimension to break down by: {@code source}, {@code properties.plan}. */
  public Query by(String dimension) {
    return with("by", dimension);
  }

  /** The bucket: {@code minute}, {@code hour} or {@code day}. */
  public Query step(String step) {
    return with("step", step);
  }

  /** The time zone of the buckets: {@code Europe/Berlin}. */
  public Query tz(String zone) {
    return with("tz", zone);
  }

  public Query limit(int limit) {
    return with("limit", limit);
  }

  /** The top {@code n}: the same as {@link #limit}. */
  public Query top(int n) {
    return limit(n);
  }

  /** A saved funnel's version. */
  public Query version(int version) {
    return with("version", version);
  }

  /** {@code paths}: the paths after this event. */
  public Query after(String event) {
    return with("after", event);
  }

  /** {@code paths}: the paths leading to this event. */
  public Query before(String event) {
    return with("before", event);
  }

  /** {@code paths}: how many events a path has after (or before) its anchor. */
  public Query depth(int depth) {
    return with("depth", depth);
  }

  /** {@code time_to_convert}: the steps (1-based) to measure between. */
  public Query between(int fromStep, int toStep) {
    return with("from_step", fromStep).with("to_step", toStep);
  }

  /** {@code sample}: only events whose {@code dimension} has this value. */
  public Query where(String dimension, String value) {
    ObjectNode where =
        body.get("where") instanceof ObjectNode existing ? existing : body.putObject("where");
    where.put(dimension, value);
    return this;
  }

  /** The range {@code [from, to)}, ISO-8601 instants. */
  public Query between(String from, String to) {
    return with("from", from).with("to", to);
  }

  public Query between(Instant from, Instant to) {
    return between(from.toString(), to.toString());
  }

  /**
   * The range up to now, as long as {@code duration}: {@code 30m}, {@code 24h}, {@code 7d}, {@code
   * 2w}, or ISO-8601 ({@code PT1H}, {@code P7D}).
   */
  public Query last(String duration) {
    Instant to = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    return between(to.minus(Durations.parse(duration)), to);
  }

  /** The same as {@link #last}: reads better after a funnel ({@code preview(f).over("7d")}). */
  public Query over(String duration) {
    return last(duration);
  }

  /** The query as sent: {@code {"kind":"counts","event":"search",...}}. */
  public JsonNode json() {
    return body.deepCopy();
  }

  /** Runs it; a history kind's job is waited for, with its progress on standard error. */
  public Result run() {
    return new Result(api.query(body, System.err), api);
  }

  /** Runs it and prints the answer as an aligned table. */
  public void show() {
    run().show();
  }

  public List<List<Object>> rows() {
    return run().rows();
  }

  public String toCsv() {
    return run().toCsv();
  }

  /** Runs it and writes the answer as an HTML page with its chart ({@link Result#chart}). */
  public Path chart(String path) {
    return run().chart(path);
  }

  @Override
  public String toString() {
    return body.toString();
  }
}
