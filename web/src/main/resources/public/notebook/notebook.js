// The notebook page (notebook.html): the stored notebooks, and one notebook's cells, opened from
// ?id=ID as it was saved, from ?draft=QUERY (a query the dashboard prefilled, as JSON) or from
// ?starter=NAME (a notebook shipped under /notebooks/). Saving PUTs the whole notebook with the API token.
import { createCell } from "./cells.js";

const params = new URLSearchParams(location.search);
const cellsRoot = d3.select("[data-testid=cells]");
let cells = [];
/** The id the notebook was opened or last saved under: the one Delete deletes. */
let savedId = params.get("id");

async function getJson(path) {
  const response = await apiFetch(path);
  const body = await response.json();
  if (!response.ok) throw Object.assign(new Error(body.error ?? String(response.status)), { status: response.status });
  return body;
}

function notice(text) {
  d3.select("[data-testid=notice]").attr("hidden", text ? null : "").text(text ?? "");
}

function show(notebook) {
  for (const cell of cells) cell.stop();
  cellsRoot.selectAll("*").remove();
  d3.select("[data-testid=notebook-title]").property("value", notebook.title ?? "");
  d3.select("[data-testid=notebook-id]").property("value", notebook.id ?? "");
  d3.select("[data-testid=saved-at]").text(notebook.updated_at ? `saved ${notebook.updated_at}` : "not saved");
  document.title = `Clickstream · ${notebook.title || "notebook"}`;
  cells = (notebook.cells ?? []).map((data) => createCell(cellsRoot, data, page));
  // Opened as saved: its queries answer now, and its live cells keep answering.
  for (const cell of cells) cell.run();
}

const page = {
  move(cell, by) {
    const i = cells.indexOf(cell);
    const j = i + by;
    if (j < 0 || j >= cells.length) return;
    [cells[i], cells[j]] = [cells[j], cells[i]];
    for (const c of cells) cellsRoot.node().appendChild(c.node.node());
  },
  /** A new query cell right below `cell`, run at once: what a click on `cell`'s chart asks next. */
  insertAfter(cell, data) {
    const added = createCell(cellsRoot, data, page);
    cells.splice(cells.indexOf(cell) + 1, 0, added);
    cell.node.node().after(added.node.node());
    added.node.node().scrollIntoView({ block: "nearest" });
    added.run();
  },
  remove(cell) {
    cell.stop();
    cell.node.remove();
    cells = cells.filter((c) => c !== cell);
  },
};

function add(data) {
  const cell = createCell(cellsRoot, data, page);
  cells.push(cell);
  return cell;
}

function current() {
  return { title: d3.select("[data-testid=notebook-title]").property("value").trim(), cells: cells.map((c) => c.toJSON()) };
}

/** A new notebook's id from its title: what the API accepts, 1 to 64 of [A-Za-z0-9_-]. */
const slug = (title) => title.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 64);

async function save() {
  const notebook = current();
  const idInput = d3.select("[data-testid=notebook-id]");
  const id = idInput.property("value").trim() || slug(notebook.title);
  idInput.property("value", id);
  try {
    const response = await apiWrite(`/api/notebooks/${encodeURIComponent(id)}`, "PUT", notebook);
    const body = await response.json();
    if (!response.ok) throw new Error(body.error ?? String(response.status));
    notice(null);
    d3.select("[data-testid=saved-at]").text(`saved ${body.updated_at}`);
    savedId = id;
    history.replaceState(null, "", `/notebook.html?id=${encodeURIComponent(id)}`);
    await listNotebooks();
  } catch (error) {
    notice(`Not saved: ${error.message}`);
  }
}

async function remove() {
  const id = savedId;
  if (!id || !window.confirm(`Delete the notebook '${id}'?`)) return;
  const response = await apiWrite(`/api/notebooks/${encodeURIComponent(id)}`, "DELETE");
  if (response.ok) location.assign("/notebook.html");
  else notice(`Not deleted: ${(await response.json()).error}`);
}

async function listNotebooks() {
  const list = await getJson("/api/notebooks");
  d3.select("[data-testid=notebook-list]").selectAll("li").data(list, (n) => n.id).join((enter) => enter.append("li").call((li) => li.append("a")))
    .select("a").attr("href", (n) => `/notebook.html?id=${encodeURIComponent(n.id)}`).attr("data-id", (n) => n.id)
    .classed("current", (n) => n.id === savedId).text((n) => n.title);
}

/** The names the form's inputs suggest: events, dimensions and funnels the server knows. */
async function fillSuggestions() {
  const [events, dimensions, funnels] = await Promise.all([getJson("/api/events"), getJson("/api/dimensions"), getJson("/api/funnels")]);
  const fill = (id, values) => d3.select(`#${id}`).selectAll("option").data(values).join("option").attr("value", (v) => v);
  fill("events", events.map((e) => e.name));
  fill("dimensions", dimensions.dimensions.map((d) => d.name));
  fill("funnels", funnels.map((f) => f.id));
}

async function open() {
  if (params.has("id")) return show(await getJson(`/api/notebooks/${encodeURIComponent(params.get("id"))}`));
  if (params.has("starter")) {
    const name = params.get("starter").replace(/[^a-z0-9-]/g, "");
    const starter = await getJson(`/notebooks/${name}.json`);
    return show(starter);
  }
  show({ title: "", cells: params.has("draft") ? [{ type: "query", query: JSON.parse(params.get("draft")), live: false }] : [] });
}

d3.select("[data-testid=add-markdown]").on("click", () => add({ type: "markdown", text: "" }));
d3.select("[data-testid=add-query]").on("click", () => add({ type: "query", query: { kind: "counts" }, live: false }));
d3.select("[data-testid=save]").on("click", save);
d3.select("[data-testid=run-all]").on("click", () => cells.forEach((c) => c.run()));
d3.select("[data-testid=delete-notebook]").on("click", remove);

Promise.all([open(), listNotebooks(), fillSuggestions()]).catch((error) => notice(error.status === 404 ? `No notebook '${params.get("id")}'.` : error.message));
