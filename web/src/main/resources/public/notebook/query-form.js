// A query cell's form: one input per field of its kind (the fields QueryRequest and the history contract
// take), filled from the query and writing back to it; an empty input leaves its field out, so the
// server's default applies (the last hour for a live kind's range, the last day for a history kind's). Values a form cannot show (a step given as an
// object) stay as JSON in their input; the raw-JSON view shows and edits the whole query.

const RANGE = [["from", "text", "ISO-8601; empty: the default range"], ["to", "text", "ISO-8601; empty: now"]];
const STEP = ["step", ["", "minute", "hour", "day"]];
const TZ = ["tz", "text", "time zone (IANA, default UTC)"];
const LIMIT = ["limit", "number"];
const EVENT = ["event", "event"];
const BY = ["by", "dimension"];

/** The fields of each kind, in the form's order: [name, type or options, placeholder]. */
export const KINDS = {
  counts: [EVENT, BY, STEP, ...RANGE, TZ, LIMIT],
  top: [EVENT, BY, ...RANGE, LIMIT],
  funnel: [["funnel", "funnel"], ["version", "number"], BY, STEP, ...RANGE, TZ, LIMIT],
  sessions: [BY, STEP, ...RANGE, TZ, LIMIT],
  compare: [["with", ["previous"]], ["query", "query"]],
  funnel_preview: [["steps", "list", "events, comma-separated"], ["order", ["", "sequential", "strict", "any"]],
    ["scope", ["", "session", "user"]], ["window", "text", "ISO-8601 duration, user scope (P7D)"], BY, ...RANGE],
  paths: [["after", "event"], ["before", "event"], ["funnel", "funnel"], ["step", "number"], ["depth", "number", "1-5, default 3"],
    ["limit", "number", "top N, default 10"], ...RANGE],
  time_to_convert: [["funnel", "funnel"], ["steps", "list", "events, comma-separated"], ["order", ["", "sequential", "strict", "any"]],
    ["window", "text", "ISO-8601 duration (P7D)"], ["from_step", "number", "default 1"], ["to_step", "number", "default the last"], ...RANGE],
  timeline: [["user", "text", "user id (required)"], ...RANGE, LIMIT, ["cursor", "text", "from the last page's meta"]],
  sample: [EVENT, ["where", "map", "dimension=value, ..."], ...RANGE, LIMIT],
};

/** What a comparison compares. */
const COMPARED = ["counts", "top", "funnel", "sessions"];

/** Inputs naming an event, a dimension or a funnel suggest the server's (notebook.html's datalists). */
const SUGGESTIONS = { event: "events", dimension: "dimensions", funnel: "funnels" };

/**
 * Draws the form of `query` into `container` (a d3 selection), replacing what was there; calls
 * `onChange(query)` with the edited query after every edit.
 */
export function renderForm(container, query, onChange, kinds = Object.keys(KINDS)) {
  container.selectAll("*").remove();
  const form = container.append("div").attr("class", "query-form");
  const kind = form.append("label").attr("class", "field").text("kind");
  kind.append("select").attr("data-field", "kind")
    .call((select) => select.selectAll("option").data(kinds).join("option").attr("value", (k) => k).text((k) => k))
    .property("value", query.kind)
    .on("change", (event) => {
      // A new kind keeps the fields it shares with the old one (the range, the event).
      const fields = new Set(KINDS[event.target.value].map(([name]) => name));
      const next = { kind: event.target.value };
      for (const [name, value] of Object.entries(query)) if (fields.has(name)) next[name] = value;
      if (next.kind === "compare" && !next.query) next.query = { kind: "counts" };
      onChange(next);
      renderForm(container, next, onChange, kinds);
    });
  for (const [name, type, placeholder] of KINDS[query.kind] ?? []) {
    if (type === "query") {
      const nested = form.append("fieldset").attr("class", "nested").attr("data-field", "query");
      nested.append("legend").text("compared query");
      renderForm(nested, query.query ?? { kind: "counts" }, (inner) => onChange(Object.assign(query, { query: inner })), COMPARED);
      continue;
    }
    const label = form.append("label").attr("class", "field").text(name);
    const input = Array.isArray(type)
      ? label.append("select").call((s) => s.selectAll("option").data(type).join("option").attr("value", (o) => o).text((o) => o || "(default)"))
      : label.append("input").attr("type", type === "number" ? "number" : "text").attr("list", SUGGESTIONS[type] ?? null);
    input.attr("data-field", name).attr("placeholder", placeholder ?? null).property("value", shown(query[name], type));
    input.on("input change", (event) => {
      const value = parsed(event.target.value, type);
      if (value === undefined) delete query[name];
      else query[name] = value;
      onChange(query);
    });
  }
}

function shown(value, type) {
  if (value === undefined || value === null) return "";
  if (type === "list" && Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join(", ");
  if (type === "map" && isFlatObject(value)) return Object.entries(value).map(([k, v]) => `${k}=${v}`).join(", ");
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

const isFlatObject = (value) => value && typeof value === "object" && !Array.isArray(value)
  && Object.values(value).every((v) => typeof v === "string");

/** The input's text as the field's value; undefined for an empty input. JSON is taken as JSON. */
function parsed(text, type) {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  if (/^[[{]/.test(trimmed)) {
    try {
      return JSON.parse(trimmed);
    } catch {
      // Not JSON after all: the text as typed, which the server will name if it is wrong.
    }
  }
  if (type === "number" && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (type === "list") return trimmed.split(",").map((s) => s.trim()).filter(Boolean);
  if (type === "map") {
    return Object.fromEntries(trimmed.split(",").map((pair) => pair.split("=").map((s) => s.trim())).filter(([k]) => k)
      .map(([k, ...v]) => [k, v.join("=")]));
  }
  return trimmed;
}
