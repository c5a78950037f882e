// One notebook cell in the page: a markdown cell (rendered, with an editor behind "Edit") or a query cell
// (its kind's form or the raw JSON, a run button, the chart and the table, and "live": run again every
// few seconds, redrawn in place). The page (notebook.js) keeps their order and saves them.
import { renderForm } from "./query-form.js";
import { runQuery, HISTORY_KINDS } from "./query-run.js";
import { drawChart } from "./charts.js";
import { drillDown } from "./drill-down.js";
import { renderResult } from "./result-view.js";
import { renderMarkdown } from "./markdown.js";

/** How long a live cell waits after one answer before it asks again. */
export const LIVE_MS = 3000;
const percent = d3.format(".0%");
const number = d3.format(",");

/**
 * Appends a cell for `data` (a stored cell: {type:"markdown",text} or {type:"query",query,live}) to
 * `parent`; `page.move(cell, by)` and `page.remove(cell)` reorder and delete it, and
 * `page.insertAfter(cell, data)` adds the query a click on its chart drills down to.
 */
export function createCell(parent, data, page) {
  const node = parent.append("article").attr("class", `cell ${data.type}-cell`).attr("data-testid", "cell").attr("data-type", data.type);
  const bar = node.append("header").attr("class", "cell-bar");
  const drill = (query) => page.insertAfter(cell, { type: "query", query, live: false });
  const cell = data.type === "markdown" ? markdownCell(node, bar, data) : queryCell(node, bar, data, drill);
  const tools = bar.append("span").attr("class", "cell-tools");
  tools.append("button").attr("type", "button").attr("data-action", "up").attr("title", "Move up").text("↑").on("click", () => page.move(cell, -1));
  tools.append("button").attr("type", "button").attr("data-action", "down").attr("title", "Move down").text("↓").on("click", () => page.move(cell, 1));
  tools.append("button").attr("type", "button").attr("data-action", "delete").attr("title", "Delete the cell").text("✕")
    .on("click", () => page.remove(cell));
  cell.node = node;
  return cell;
}

function markdownCell(node, bar, data) {
  let text = data.text ?? "";
  const view = node.append("div").attr("class", "markdown").attr("data-testid", "markdown");
  const editor = node.append("textarea").attr("data-testid", "markdown-editor").attr("rows", 4).attr("hidden", "").property("value", text)
    .on("input", (event) => {
      text = event.target.value;
      renderMarkdown(view, text);
    });
  bar.append("span").attr("class", "cell-kind").text("markdown");
  bar.append("button").attr("type", "button").attr("data-action", "edit").text("Edit").on("click", function () {
    const editing = editor.attr("hidden") === null;
    editor.attr("hidden", editing ? "" : null);
    d3.select(this).text(editing ? "Edit" : "Done");
  });
  renderMarkdown(view, text);
  if (!text) editor.attr("hidden", null);
  return { toJSON: () => ({ type: "markdown", text }), run() {}, stop() {} };
}

function queryCell(node, bar, data, drill) {
  let query = structuredClone(data.query ?? { kind: "counts" });
  let live = data.live === true;
  let raw = false;
  let running = null;
  let liveTimer = null;
  let runs = 0;

  bar.append("span").attr("class", "cell-kind").text("query");
  const toggle = bar.append("button").attr("type", "button").attr("data-action", "raw").text("JSON");
  const liveLabel = bar.append("label").attr("class", "live").attr("title", "Run again every few seconds");
  const liveBox = liveLabel.append("input").attr("type", "checkbox").attr("data-action", "live").property("checked", live);
  liveLabel.append("span").text("live");
  bar.append("button").attr("type", "button").attr("data-action", "run").attr("class", "primary").text("Run").on("click", () => run());

  const editor = node.append("div").attr("class", "editor");
  const status = node.append("div").attr("class", "cell-status").attr("data-testid", "cell-status");
  const statusText = status.append("span").attr("class", "text");
  const progress = status.append("progress").attr("data-testid", "progress").attr("max", 1).attr("hidden", "");
  const cancel = status.append("button").attr("type", "button").attr("data-action", "cancel").attr("hidden", "").text("Cancel")
    .on("click", () => running?.abort());
  const result = node.append("div").attr("class", "result");
  const svg = result.append("svg").attr("data-testid", "chart").attr("hidden", "");
  const table = result.append("div").attr("class", "table-view").attr("data-testid", "result");

  // Only a live kind may be live: a history job each few seconds would be work no one asked for.
  const liveAllowed = () => !HISTORY_KINDS.has(query.kind);
  function showEditor() {
    liveBox.property("disabled", !liveAllowed());
    toggle.text(raw ? "Form" : "JSON");
    editor.selectAll("*").remove();
    if (!raw) {
      renderForm(editor, query, (edited) => {
        query = edited;
        liveBox.property("disabled", !liveAllowed());
      });
      return;
    }
    const area = editor.append("textarea").attr("class", "raw").attr("data-testid", "raw-json").attr("rows", 6)
      .property("value", JSON.stringify(query, null, 2));
    const error = editor.append("p").attr("class", "error").attr("data-testid", "raw-error");
    area.on("input", (event) => {
      try {
        const parsed = JSON.parse(event.target.value);
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("a query is one JSON object");
        query = parsed;
        error.text("");
      } catch (e) {
        error.text(e.message);
      }
    });
  }
  toggle.on("click", () => {
    raw = !raw;
    showEditor();
  });
  liveBox.on("change", (event) => {
    live = event.target.checked;
    if (live) run();
    else clearTimeout(liveTimer);
  });

  async function run() {
    clearTimeout(liveTimer);
    running?.abort();
    const controller = new AbortController();
    running = controller;
    const history = HISTORY_KINDS.has(query.kind);
    // The query this answer answers, for a click on its chart, whatever the form holds by then.
    const asked = structuredClone(query);
    node.attr("data-state", "running");
    statusText.attr("class", "text").text(history ? "submitting…" : "running…");
    cancel.attr("hidden", null);
    try {
      const answer = await runQuery(asked, { signal: controller.signal, onProgress: (job) => showProgress(job) });
      if (running !== controller) return;
      runs += 1;
      drawChart(svg, answer, (selection) => {
        const next = drillDown(asked, answer, selection);
        if (next) drill(next);
      });
      renderResult(table, answer, query.kind);
      node.attr("data-state", "done").attr("data-runs", runs);
      statusText.text(`${number(answer.rows.length)} rows · ${answer.source ?? "live"} · ${answer.took_ms ?? "?"} ms`
        + (live ? ` · runs again every ${LIVE_MS / 1000} s` : ""));
    } catch (error) {
      if (running !== controller) return;
      node.attr("data-state", "error");
      statusText.attr("class", "text error").text(controller.signal.aborted ? "cancelled" : error.message);
    } finally {
      if (running === controller) {
        running = null;
        cancel.attr("hidden", "");
        progress.attr("hidden", "");
        if (live && liveAllowed() && node.node().isConnected) liveTimer = setTimeout(run, LIVE_MS);
      }
    }
  }

  function showProgress(job) {
    // The job's id, for whoever wants to follow it through the API (a test, a curious user).
    node.attr("data-job", job.job ?? null);
    const fraction = job.progress?.fraction;
    progress.attr("hidden", fraction == null ? "" : null).property("value", fraction ?? 0);
    const read = job.progress?.rows_read == null ? "" : ` · ${number(job.progress.rows_read)} rows read`;
    statusText.text(`${job.status}${read}${fraction == null ? "" : ` · ${percent(fraction)}`}`);
  }

  showEditor();
  return {
    toJSON: () => ({ type: "query", query: structuredClone(query), live }),
    run,
    stop() {
      live = false;
      clearTimeout(liveTimer);
      running?.abort();
    },
  };
}
