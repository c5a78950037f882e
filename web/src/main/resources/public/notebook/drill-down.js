// Drilling down (docs/notebook.md, "Drilling down"): a click on a chart's series, bar, step or link asks
// the next, narrower question over the same range, which the page adds as a new cell below and runs:
//
//   counts, top, sessions  a value of `by` (or the one series)  -> sample of those events, where by = value
//   funnel (saved)         a step (bar, or a trend's series)    -> paths after that step of the funnel
//   funnel_preview         a step                               -> paths after that step's event
//   paths (sankey)         a link                               -> sample of the link's target event
//                          a node past the anchor               -> paths after that node's event
//   compare                as the compared query
//
// Counts cannot be narrowed to one value (a counts query has no filter), so a value is drilled into
// the raw events behind it. The missing value and "(other)" name no value a `where` can ask for, and
// events whose name starts with "_" (sessions, conversions) are the pipeline's, not stored ones: those
// drill nowhere (null), as does a histogram's bin, which no query narrows.
import { records } from "./charts.js";

/**
 * The query a click on `answer`'s chart asks next, or null when it asks nothing narrower. `query` is
 * the query that was answered; `selection` what charts.js says was clicked.
 */
export function drillDown(query, answer, selection) {
  const asked = query.kind === "compare" ? query.query : query;
  // The answer's range, resolved: a query that left its range to the default drills into the same one.
  const range = { from: answer.meta?.from ?? asked.from, to: answer.meta?.to ?? asked.to };
  const narrower = NEXT[asked.kind]?.(asked, answer, selection);
  return narrower ? { ...narrower, ...range } : null;
}

const NEXT = {
  counts: (q, answer, s) => sampleOfValue(q.event, q.by, answer, s),
  top: (q, answer, s) => sampleOfValue(q.event, q.by, answer, s),
  sessions: (q, answer, s) => (q.by ? sampleOfValue(undefined, q.by, answer, s) : null),
  funnel: (q, answer, s) => {
    const step = stepOf(s);
    return step == null ? null : { kind: "paths", funnel: q.funnel, step };
  },
  funnel_preview: (q, answer, s) => (s.row?.event ? { kind: "paths", after: s.row.event } : null),
  paths: (q, answer, s) => {
    if (s.link) return { kind: "sample", event: s.link.target.event };
    if (!(s.depth > 0)) return null;
    return withFields({ kind: "paths", after: s.value }, q, ["depth", "limit"]);
  },
};

/** The raw events behind a series or bar: those of `event` (any, when undefined) with `by` = its value. */
function sampleOfValue(event, by, answer, selection) {
  if (event?.startsWith("_")) return null;
  const value = selection.row?.key ?? selection.value;
  if (by) {
    const row = records(answer).find((r) => String(r.key) === String(value));
    if (!row || row.missing || row.other) return null;
    return withFields({ kind: "sample", where: { [by]: String(row.key) } }, { event }, ["event"]);
  }
  return withFields({ kind: "sample" }, { event }, ["event"]);
}

/** A saved funnel's step: a bar's row, or a trend's series (the step's number). */
function stepOf(selection) {
  const step = Number(selection.row?.step ?? (selection.column === "step" ? selection.value : NaN));
  return Number.isInteger(step) && step > 0 ? step : null;
}

/** `query` with those of `fields` that `from` has set. */
function withFields(query, from, fields) {
  for (const field of fields) if (from[field] != null) query[field] = from[field];
  return query;
}
