// A funnel's live page (funnel.html?id=ID[&version=N]): step bars, flow, trend and breakdown, polled
// about every 1.5 s; the next poll starts only when the last one is done, so requests never overlap.
// What it shows is the view in its URL (url-state.js: range, step, zone, breakdown, compare), set by the
// controls it shares with the dashboard (dashboard-controls.js).
"use strict";

const POLL_MS = 1500;
/** A range over an hour changes little in 1.5 s, and costs more to read: it is read every 5 s, as on the dashboard. */
const SLOW_POLL_MS = 5000;
const BREAKDOWN_ROWS = 12;

const number = d3.format(",");
const percent = d3.format(".1%");
const clockSeconds = d3.timeFormat("%H:%M:%S");
const dateTime = d3.timeFormat("%Y-%m-%d %H:%M");
const signedPercent = d3.format("+.1%");
const STEP_COLOURS = ["#2f5d8a", "#3b73a8", "#4e87bd", "#6a9bcb", "#86afd6", "#a2c2e0"];
const stepColour = (j) => STEP_COLOURS[Math.min(j, STEP_COLOURS.length - 1)];
const LEFT = "#e8a0a0";
const IN_PROGRESS = "#f0b44c";
const DROPPED = "#c94f4f";
const TREND_COLOURS = d3.schemeTableau10;

const query = new URLSearchParams(location.search);
const state = {
  id: query.get("id"),
  version: query.get("version"),
  definition: null,
};
// The range, step, zone, breakdown (`view.by`, none by default) and comparison shown.
const view = readView(FUNNEL_VIEW);

async function getJson(path) {
  const response = await apiFetch(path);
  const body = await response.json();
  if (!response.ok) {
    const error = new Error(body.error || String(response.status));
    error.status = response.status;
    throw error;
  }
  return body;
}

function resultsPath(range, extra) {
  const params = new URLSearchParams({ from: range.from.toISOString(), to: range.to.toISOString(), ...extra });
  if (state.version) params.set("version", state.version);
  return `/api/funnels/${encodeURIComponent(state.id)}/results?${params}`;
}

function definitionPath() {
  const suffix = state.version ? `?version=${encodeURIComponent(state.version)}` : "";
  return `/api/funnels/${encodeURIComponent(state.id)}${suffix}`;
}

// The definition first, so that a breakdown the URL names and the funnel has not is dropped before it is asked for.
async function loadDefinition() {
  const [definition, dimensions] = await Promise.all([getJson(definitionPath()), getJson("/api/dimensions")]);
  state.definition = definition;
  renderDefinition(definition, dimensions.dimensions);
}

async function refresh() {
  if (!state.definition) await loadDefinition();
  const range = viewRange(view);
  // Totals (with the period before when compared), the trend, and the breakdown when one is chosen.
  const [totals, trend, breakdown] = await Promise.all([
    getJson(resultsPath(range, view.compare ? { compare: "previous" } : {})),
    getJson(resultsPath(range, { step: range.step, tz: view.tz })),
    view.by ? getJson(resultsPath(range, { by: view.by })) : null,
  ]);
  if (state.definition.version !== totals.version) await loadDefinition();
  const labels = state.definition.steps.map(stepLabel);
  showNotice(null);
  renderKpis(totals, range);
  renderSteps(totals, labels);
  renderSankey(totals, labels);
  renderTrend(trend, labels, range);
  renderBreakdown(breakdown?.breakdown ?? [], labels);
  d3.select("[data-testid=updated]").text(clockSeconds(new Date()));
}

// --- polling without overlap; a control change asks for a refresh as soon as the current one ends ---
let timer = null;
let inFlight = false;
let again = false;

async function poll() {
  if (inFlight) {
    again = true;
    return;
  }
  clearTimeout(timer);
  inFlight = true;
  try {
    await refresh();
    d3.select("[data-testid=live-status]").attr("class", "pill ok").text("live");
  } catch (error) {
    if (error.status === 404) {
      showNotice(`${error.message}. The page keeps looking and shows it as soon as it is defined.`);
      d3.select("[data-testid=live-status]").attr("class", "pill degraded").text("no such funnel");
    } else if (error.status) {
      showNotice(error.message);
      d3.select("[data-testid=live-status]").attr("class", "pill down").text("error");
    } else {
      d3.select("[data-testid=live-status]").attr("class", "pill down").text("API unreachable");
    }
  } finally {
    inFlight = false;
    timer = setTimeout(poll, again ? 0 : viewRange(view).minutes > 60 ? SLOW_POLL_MS : POLL_MS);
    again = false;
  }
}

function showNotice(text) {
  d3.select("[data-testid=notice]").property("hidden", !text).text(text || "");
}

// --- header and controls ---
function stepLabel(step) {
  const where = Object.entries(step.where || {}).map(([field, value]) => `${field}=${value}`);
  return where.length ? `${step.event} (${where.join(", ")})` : step.event;
}

// The breakdown selector offers the funnel's own breakdown dimensions (its results are kept by those,
// whatever --dimensions says), named as the API names them (`properties.plan`); the other recorded
// dimensions are listed too, disabled, since this funnel's results cannot be broken down by them.
function renderDefinition(definition, recorded) {
  document.title = `Clickstream · ${definition.name}`;
  d3.select("[data-testid=funnel-name]").text(definition.name);
  const live = definition.live_from ? ` · live since ${d3.timeFormat("%Y-%m-%d %H:%M")(new Date(definition.live_from))}` : "";
  d3.select("[data-testid=funnel-meta]").text(
    `${definition.id} · version ${definition.version} · ${definition.steps.length} steps · ${definition.order}, per ${definition.scope}` + live,
  );
  const select = d3.select("[data-testid=breakdown-select]");
  const dims = definition.breakdown || [];
  const options = [
    ...dims.map((name) => ({ name, available: true })),
    ...recorded.filter((d) => !dims.includes(d.name)).map((d) => ({ name: d.name, available: false })),
  ];
  select.selectAll("option.dim").data(options, (d) => d.name).join((enter) => enter.append("option").attr("class", "dim"))
    .attr("value", (d) => d.name)
    .property("disabled", (d) => !d.available)
    .attr("title", (d) => (d.available ? d.name : `${d.name}: not in this funnel's breakdown`))
    .text((d) => (d.available ? d.name : `${d.name} (not in this funnel)`))
    .order();
  select.property("disabled", dims.length === 0);
  if (!dims.includes(view.by)) {
    view.by = "";
    writeView(view, FUNNEL_VIEW);
  }
  select.property("value", view.by);
}

d3.select("[data-testid=breakdown-select]").on("change", (event) => {
  view.by = event.target.value;
  writeView(view, FUNNEL_VIEW);
  poll();
});

bindViewControls(view, FUNNEL_VIEW, () => poll());

// --- totals ---
function renderKpis(totals, range) {
  const steps = totals.steps;
  const first = steps[0].count;
  const last = steps[steps.length - 1];
  const tiles = [
    ["started", "Started", number(first)],
    ["completed", "Completed", number(last.count)],
    ["conversion", "Overall conversion", last.conversion_from_start == null ? "–" : percent(last.conversion_from_start)],
    ["in-progress", "In progress", number(totals.in_progress)],
    ["dropped", "Dropped", number(totals.dropped)],
    ["median", "Median to complete", duration(last.median_seconds_from_start)],
  ];
  d3.select("[data-testid=funnel-kpis]")
    .selectAll(".kpi")
    .data(tiles, (d) => d[0])
    .join((enter) => {
      const tile = enter.append("div").attr("class", (d) => "kpi kpi-" + d[0]).attr("data-testid", (d) => "kpi-" + d[0]);
      tile.append("div").attr("class", "label");
      tile.append("div").attr("class", "value");
      return tile;
    })
    .call((tile) => tile.select(".label").text((d) => `${d[1]} · ${rangeLength(range.minutes)}`))
    .select(".value")
    .text((d) => d[2]);
}

function duration(seconds) {
  if (seconds == null) return "–";
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

function renderSteps(totals, labels) {
  const first = totals.steps[0].count || 0;
  // With compare=previous, each step's row of the comparison: its count over the period before.
  const previous = new Map((totals.compare?.rows ?? []).map((r) => [r.step, r]));
  const rows = totals.steps.map((s, j) => ({
    ...s,
    j,
    label: labels[j] ?? s.event,
    share: first ? s.count / first : 0,
    lost: j === 0 ? 0 : totals.steps[j - 1].count - s.count,
    compared: previous.get(j + 1) ?? null,
  }));
  d3.select("[data-testid=steps]")
    .selectAll(".step")
    .data(rows, (d) => d.j)
    .join((enter) => {
      const row = enter.append("div").attr("class", "step").attr("data-testid", "step-row").attr("data-step", (d) => d.j + 1);
      const name = row.append("div").attr("class", "name");
      name.append("span").attr("class", "index").text((d) => d.j + 1);
      const text = name.append("div");
      text.append("div").attr("class", "event").attr("data-testid", "step-name");
      text.append("div").attr("class", "sub").attr("data-testid", "step-median");
      const track = row.append("div").attr("class", "track");
      track.append("div").attr("class", "bar").style("background", (d) => stepColour(d.j));
      track.append("div").attr("class", "drop").attr("data-testid", "step-drop");
      const count = row.append("div").attr("class", "num count");
      count.append("span").attr("data-testid", "step-count");
      count.append("span").attr("class", "vs").attr("data-testid", "step-compare");
      const conv = row.append("div").attr("class", "num conv");
      conv.append("span").attr("class", "big").attr("data-testid", "step-conversion");
      conv.append("span").attr("class", "small").text("of step 1");
      const prev = row.append("div").attr("class", "num conv");
      prev.append("span").attr("class", "big").attr("data-testid", "step-previous");
      prev.append("span").attr("class", "small").text("of previous");
      return row;
    })
    .call((row) => {
      row.select("[data-testid=step-name]").text((d) => d.label).attr("title", (d) => d.label);
      row.select("[data-testid=step-median]").text((d) =>
        d.j === 0 ? "entry" : `median ${duration(d.median_seconds_from_start)} from step 1`);
      row.select(".bar").style("width", (d) => `${(d.share * 100).toFixed(2)}%`);
      row.select("[data-testid=step-drop]")
        .style("left", (d) => `${(d.share * 100).toFixed(2)}%`)
        .style("width", (d) => (d.j === 0 || !first ? "0%" : `${((totals.steps[d.j - 1].count - d.count) / first * 100).toFixed(2)}%`))
        .attr("title", (d) => (d.j === 0 ? null : `${number(d.lost)} left after step ${d.j}`));
      row.select("[data-testid=step-count]").text((d) => number(d.count));
      row.select("[data-testid=step-compare]")
        .property("hidden", (d) => !d.compared)
        .attr("data-previous", (d) => d.compared?.previous ?? null)
        .attr("title", totals.compare ? `${totals.compare.previous_from} to ${totals.compare.previous_to}` : null)
        .text((d) => (!d.compared ? "" : d.compared.previous == null ? "before: unknown"
          : `before ${number(d.compared.previous)}` + (d.compared.delta_ratio == null ? "" : ` · ${signedPercent(d.compared.delta_ratio)}`)));
      row.select("[data-testid=step-conversion]").text((d) => (d.conversion_from_start == null ? "–" : percent(d.conversion_from_start)));
      row.select("[data-testid=step-previous]").text((d) =>
        d.conversion_from_previous == null ? "–" : percent(d.conversion_from_previous));
    });
}

// --- flow ---
function renderSankey(totals, labels) {
  const svg = d3.select("[data-testid=sankey]");
  const width = svg.node().getBoundingClientRect().width || 1000;
  const steps = totals.steps;
  const n = steps.length;
  const first = steps[0].count;
  d3.select("[data-testid=sankey-empty]").property("hidden", first > 0);
  svg.style("display", first > 0 ? null : "none");
  if (!first) return;

  const nodes = steps.map((s, j) => ({ id: `step-${j + 1}`, name: `${j + 1} · ${labels[j] ?? s.event}`, kind: "step", j }));
  const links = [];
  let left = 0;
  for (let j = 0; j < n - 1; j++) {
    const next = steps[j + 1].count;
    const leaving = Math.max(0, steps[j].count - next);
    if (next > 0) links.push({ source: `step-${j + 1}`, target: `step-${j + 2}`, value: next, kind: "next" });
    if (leaving > 0) {
      nodes.push({ id: `left-${j + 1}`, name: `Left after step ${j + 1}`, kind: "left", j });
      links.push({ source: `step-${j + 1}`, target: `left-${j + 1}`, value: leaving, kind: "left" });
      links.push({ source: `left-${j + 1}`, target: "not-completed", value: leaving, kind: "left" });
      left += leaving;
    }
  }
  if (left > 0) {
    nodes.push({ id: "not-completed", name: "Not completed", kind: "left" });
    if (totals.in_progress > 0) {
      nodes.push({ id: "in-progress", name: "In progress", kind: "in-progress" });
      links.push({ source: "not-completed", target: "in-progress", value: totals.in_progress, kind: "in-progress" });
    }
    if (totals.dropped > 0) {
      nodes.push({ id: "dropped", name: "Dropped", kind: "dropped" });
      links.push({ source: "not-completed", target: "dropped", value: totals.dropped, kind: "dropped" });
    }
  }

  const height = Math.max(260, 70 + 26 * n);
  svg.attr("viewBox", `0 0 ${width} ${height}`).attr("height", height);
  const graph = d3.sankey()
    .nodeId((d) => d.id)
    .nodeAlign(d3.sankeyLeft)
    .nodeSort(null)
    .nodeWidth(14)
    .nodePadding(22)
    .extent([[4, 12], [width - 150, height - 12]])({
      nodes: nodes.map((d) => ({ ...d })),
      links: links.map((d) => ({ ...d })),
    });

  const colour = (d) =>
    d.kind === "step" ? stepColour(d.j) : d.kind === "in-progress" ? IN_PROGRESS : d.kind === "dropped" ? DROPPED : LEFT;
  const linkColour = (d) => (d.kind === "next" ? stepColour(d.source.j) : colour({ kind: d.kind }));

  const linkGroup = svg.selectAll("g.links").data([null]).join("g").attr("class", "links").attr("fill", "none");
  linkGroup.selectAll("path")
    .data(graph.links, (d) => `${d.source.id}>${d.target.id}`)
    .join((enter) => enter.append("path").call((p) => p.append("title")))
    .attr("data-testid", "sankey-link")
    .attr("d", d3.sankeyLinkHorizontal())
    .attr("stroke", linkColour)
    .attr("stroke-opacity", (d) => (d.kind === "next" ? 0.35 : 0.45))
    .attr("stroke-width", (d) => Math.max(1, d.width))
    .select("title")
    .text((d) => `${d.source.name} → ${d.target.name}: ${number(d.value)}`);

  const nodeGroup = svg.selectAll("g.nodes").data([null]).join("g").attr("class", "nodes");
  const node = nodeGroup.selectAll("g.node")
    .data(graph.nodes, (d) => d.id)
    .join((enter) => {
      const g = enter.append("g").attr("class", "node").attr("data-testid", "sankey-node");
      g.append("rect");
      g.append("text").attr("class", "label").attr("dy", "-0.15em");
      g.append("text").attr("class", "value").attr("dy", "1.05em");
      return g;
    })
    .attr("data-node", (d) => d.id);
  node.select("rect")
    .attr("x", (d) => d.x0)
    .attr("y", (d) => d.y0)
    .attr("width", (d) => d.x1 - d.x0)
    .attr("height", (d) => Math.max(1, d.y1 - d.y0))
    .attr("rx", 2)
    .attr("fill", colour);
  node.selectAll("text")
    .attr("x", (d) => d.x1 + 6)
    .attr("y", (d) => (d.y0 + d.y1) / 2);
  node.select("text.label").text((d) => d.name);
  node.select("text.value").text((d) => `${number(d.value)} · ${percent(d.value / first)}`);
}

// --- trend ---
function renderTrend(trend, labels, range) {
  d3.select("[data-testid=trend-hint]").text(
    `Conversion from step 1 to each later step, per ${range.step}, ${describeRange(view, range, dateTime)}${view.tz === "UTC" ? "" : ", " + view.tz}`);
  const svg = d3.select("[data-testid=trend]");
  const width = svg.node().getBoundingClientRect().width || 560;
  const height = 230;
  const m = { top: 10, right: 12, bottom: 22, left: 40 };
  svg.attr("viewBox", `0 0 ${width} ${height}`).attr("height", height);

  const points = trend.series.map((p) => ({ t: new Date(p.t), counts: p.counts }));
  const stepIndexes = d3.range(1, labels.length);
  const x = d3.scaleUtc().domain(d3.extent(points, (p) => p.t)).range([m.left, width - m.right]);
  const y = d3.scaleLinear().domain([0, 1]).range([height - m.bottom, m.top]);

  svg.selectAll("g.axis.x").data([null]).join("g").attr("class", "axis x")
    .attr("transform", `translate(0,${height - m.bottom})`)
    .call(d3.axisBottom(x).ticks(6).tickFormat(wallClock(range)).tickSizeOuter(0));
  svg.selectAll("g.axis.y").data([null]).join("g").attr("class", "axis y")
    .attr("transform", `translate(${m.left},0)`)
    .call(d3.axisLeft(y).ticks(4).tickFormat(d3.format(".0%")).tickSize(-(width - m.left - m.right)))
    .call((g) => g.select(".domain").remove());

  const line = (j) => d3.line()
    .defined((p) => p.counts[0] > 0)
    .x((p) => x(p.t))
    .y((p) => y(p.counts[j] / p.counts[0]));
  svg.selectAll("path.trend-line")
    .data(stepIndexes, (j) => j)
    .join("path")
    .attr("class", "trend-line")
    .attr("data-testid", "trend-line")
    .attr("fill", "none")
    .attr("stroke", (j) => TREND_COLOURS[(j - 1) % TREND_COLOURS.length])
    .attr("stroke-width", 1.8)
    .attr("d", (j) => line(j)(points));

  d3.select("[data-testid=trend-legend]")
    .selectAll("span.item")
    .data(stepIndexes, (j) => j)
    .join((enter) => {
      const item = enter.append("span").attr("class", "item");
      item.append("span").attr("class", "swatch");
      item.append("span").attr("class", "text");
      return item;
    })
    .call((item) => {
      item.select(".swatch").style("background", (j) => TREND_COLOURS[(j - 1) % TREND_COLOURS.length]);
      item.select(".text").text((j) => `→ ${j + 1} · ${labels[j]}`);
    });
}

// A time's label on the view zone's wall clock: the date for days, the date and time past a day, else the time.
function wallClock(range) {
  const time = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  const date = { month: "2-digit", day: "2-digit" };
  const parts = range.step === "day" ? date : range.minutes > 1440 ? { ...date, ...time } : time;
  const format = new Intl.DateTimeFormat("en-GB", { ...parts, timeZone: view.tz });
  return (t) => format.format(t);
}

// --- breakdown ---
function renderBreakdown(rows, labels) {
  const table = d3.select("[data-testid=breakdown]");
  d3.select("[data-testid=breakdown-hint]").text(
    view.by
      ? `Results by first-touch ${view.by}: how many reached each step, and the share that completed`
      : "Choose a breakdown above to compare first-touch values",
  );
  table.property("hidden", !view.by);
  if (!view.by) return;

  const header = [view.by, ...labels.map((l, j) => `${j + 1}`), "Completed"];
  table.select("thead").selectAll("tr").data([header]).join("tr")
    .selectAll("th").data((d) => d).join("th")
    .text((d) => d)
    .attr("title", (d, i) => (i === 0 ? d : i <= labels.length ? labels[i - 1] : null));

  const shown = rows.slice(0, BREAKDOWN_ROWS);
  // A row's identity is its key and the API's `missing` and `other` flags: a literal "(none)" is not
  // the missing value, nor a literal "(other)" the values over the cap.
  const rowId = (d) => (d.missing ? "missing" : d.other ? "other" : "value:" + d.key);
  const tr = table.select("tbody").selectAll("tr")
    .data(shown.length ? shown : [null], (d) => (d ? rowId(d) : "empty"))
    .join("tr")
    .attr("data-testid", (d) => (d ? "breakdown-row" : "breakdown-empty"))
    .attr("data-key", (d) => (d ? d.key : null))
    .attr("data-missing", (d) => (d ? String(d.missing === true) : null))
    .attr("data-other", (d) => (d ? String(d.other === true) : null));
  tr.selectAll("td")
    .data((d) => (d ? [
      { kind: "key", text: d.other ? "(other values)" : d.key, missing: d.missing === true || d.other === true,
        title: d.missing ? `${d.key}: results without a first-touch ${view.by}`
          : d.other ? `results whose first-touch ${view.by} is not among the rows above, or was past the cap on distinct values in its minute` : d.key },
      ...d.counts.map((c) => ({ kind: "num", text: number(c) })),
      { kind: "rate", rate: d.counts[0] ? d.counts[d.counts.length - 1] / d.counts[0] : null },
    ] : [{ kind: "none", text: "No results in this range yet" }]))
    .join("td")
    .attr("class", (d) => d.kind)
    .attr("colspan", (d) => (d.kind === "none" ? header.length : null))
    .attr("data-testid", (d) => (d.kind === "num" ? "breakdown-count" : d.kind === "rate" ? "breakdown-rate" : null))
    .each(function (d) {
      const cell = d3.select(this);
      if (d.kind === "key") {
        // Values are text, never markup; a long one is cut by the stylesheet, whole in the title.
        cell.text(null).append("span").attr("data-testid", "breakdown-key").classed("missing", d.missing)
          .attr("title", d.title)
          .text(d.text);
        return;
      }
      if (d.kind !== "rate") {
        cell.text(d.text);
        return;
      }
      cell.text(null);
      cell.append("span").attr("class", "rate-bar").append("span")
        .style("width", `${((d.rate ?? 0) * 100).toFixed(1)}%`);
      cell.append("span").attr("class", "rate-text").text(d.rate == null ? "–" : percent(d.rate));
    });
}

if (!state.id) {
  showNotice("No funnel chosen: open this page from the list of funnels on the main page.");
  d3.select("[data-testid=live-status]").attr("class", "pill degraded").text("no funnel");
} else {
  d3.select("[data-testid=funnel-name]").text(state.id);
  poll();
}
