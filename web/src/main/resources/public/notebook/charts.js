// Draws an answer of POST /api/query from its chart spec (docs/notebook.md, "Charts"): line, bar, funnel,
// sankey, histogram; `table` draws nothing (the table view beside it is the answer). Every mark carries
// the numbers it draws (data-value, data-x, data-series), so a test can check them against the API.
// `onSelect(selection)` is called when a mark is clicked: `{column, value}` for a line's series (its legend
// too), `{column, value, row}` for a bar or a funnel's step (`row` the clicked row, keyed by column),
// `{column, value, depth}` for a sankey's node and `{link: {source, target}}` for a sankey's link (each
// `{event, depth}`). What a click asks next is drill-down.js's choice, not the chart's.

const W = 720;
const H = 260;
const M = { top: 12, right: 12, bottom: 46, left: 52 };
const number = d3.format(",");
const percent = d3.format(".1%");
const palette = d3.scaleOrdinal(d3.schemeTableau10);
/** A path's events are joined by " → " (the history contract, `paths`). */
const PATH_SEPARATOR = " → ";

const DRAW = { line: drawLine, bar: drawBars, histogram: drawBars, funnel: drawFunnel, sankey: drawSankey };

/** Rows as objects keyed by column. */
export function records(answer) {
  return answer.rows.map((row) => Object.fromEntries(answer.columns.map((c, i) => [c, row[i]])));
}

/** Draws into `svg` (a d3 selection), replacing what it held; hides it for a table. */
export function drawChart(svg, answer, onSelect = () => {}) {
  svg.selectAll("*").remove();
  const spec = answer.chart ?? { type: "table" };
  const draw = DRAW[spec.type];
  svg.attr("hidden", draw ? null : "").attr("data-chart", spec.type);
  if (!draw) return;
  svg.attr("viewBox", `0 0 ${W} ${H}`).attr("role", "img");
  draw(svg, spec, records(answer), onSelect);
}

const seriesOf = (spec, row) => (spec.series ? String(row[spec.series]) : "all");

function drawLine(svg, spec, rows, onSelect) {
  const t = (row) => new Date(row[spec.x]);
  const groups = d3.groups(rows, (row) => seriesOf(spec, row));
  const x = d3.scaleTime().domain(d3.extent(rows, t)).range([M.left, W - M.right]);
  const y = d3.scaleLinear().domain([0, d3.max(rows, (r) => r[spec.y]) || 1]).nice().range([H - M.bottom, M.top]);
  axes(svg, d3.axisBottom(x).ticks(6), d3.axisLeft(y).ticks(5, "~s"));
  const line = d3.line().x((r) => x(t(r))).y((r) => y(r[spec.y]));
  const series = svg.append("g").selectAll("g").data(groups).join("g")
    .attr("class", "series").attr("data-series", ([key]) => key).style("cursor", "pointer")
    .on("click", (event, [key]) => onSelect({ column: spec.series, value: key }));
  series.append("path").attr("fill", "none").attr("stroke-width", 2).attr("stroke", ([key]) => palette(key))
    .attr("d", ([, points]) => line(points));
  series.selectAll("circle").data(([, points]) => points).join("circle")
    .attr("data-testid", "mark").attr("r", 2.5).attr("fill", (r) => palette(seriesOf(spec, r)))
    .attr("cx", (r) => x(t(r))).attr("cy", (r) => y(r[spec.y]))
    .attr("data-x", (r) => r[spec.x]).attr("data-series", (r) => seriesOf(spec, r)).attr("data-value", (r) => r[spec.y])
    .append("title").text((r) => `${seriesOf(spec, r)} · ${r[spec.x]} · ${number(r[spec.y])}`);
  legend(svg, groups.map(([key]) => key), (key) => onSelect({ column: spec.series, value: key }));
}

/** Bars per category (`bar`) or bin (`histogram`); the previous period's value faintly beside (`compare`). */
function drawBars(svg, spec, rows, onSelect) {
  const x = d3.scaleBand().domain(rows.map((r) => String(r[spec.x]))).range([M.left, W - M.right])
    .padding(spec.type === "histogram" ? 0.04 : 0.2);
  const top = d3.max(rows, (r) => Math.max(r[spec.y] ?? 0, spec.compare ? r[spec.compare] ?? 0 : 0)) || 1;
  const y = d3.scaleLinear().domain([0, top]).nice().range([H - M.bottom, M.top]);
  axes(svg, d3.axisBottom(x).tickFormat((v) => cut(v, Math.max(3, Math.floor(x.bandwidth() / 7)))), d3.axisLeft(y).ticks(5, "~s"), false);
  const width = spec.compare ? x.bandwidth() / 2 : x.bandwidth();
  const bars = svg.append("g").selectAll("g").data(rows).join("g").style("cursor", "pointer")
    .on("click", (event, r) => onSelect({ column: spec.x, value: r[spec.x], row: r }));
  if (spec.compare) {
    bars.filter((r) => r[spec.compare] != null).append("rect").attr("class", "previous").attr("fill", "#c9d3e0")
      .attr("x", (r) => x(String(r[spec.x])) + width).attr("width", width)
      .attr("y", (r) => y(r[spec.compare])).attr("height", (r) => y(0) - y(r[spec.compare]))
      .attr("data-previous", (r) => r[spec.compare]);
  }
  // A histogram's bins are one measure, one colour; a bar chart's categories each have theirs.
  bars.append("rect").attr("data-testid", "mark").attr("fill", (r) => (spec.type === "histogram" ? "#4e79a7" : palette(String(r[spec.x]))))
    .attr("x", (r) => x(String(r[spec.x]))).attr("width", width)
    .attr("y", (r) => y(r[spec.y])).attr("height", (r) => y(0) - y(r[spec.y]))
    .attr("data-x", (r) => r[spec.x]).attr("data-value", (r) => r[spec.y])
    .append("title").text((r) => `${r[spec.x]} · ${number(r[spec.y])}` + (spec.compare ? ` (previous ${r[spec.compare] ?? "unknown"})` : ""));
}

/** A step's bar, as wide as its count; with a series, one row of bars per value. */
function drawFunnel(svg, spec, rows, onSelect) {
  const name = (r) => `${r[spec.x]}. ${spec.label ? r[spec.label] : ""}`;
  const band = d3.scaleBand().domain(rows.map((r) => `${name(r)}\u0000${seriesOf(spec, r)}`)).range([M.top, H - 8]).padding(0.15);
  const x = d3.scaleLinear().domain([0, d3.max(rows, (r) => r[spec.y]) || 1]).range([0, W - 260]);
  const firstBySeries = new Map();
  for (const r of rows) if (!firstBySeries.has(seriesOf(spec, r))) firstBySeries.set(seriesOf(spec, r), r[spec.y]);
  const step = svg.append("g").selectAll("g").data(rows).join("g").style("cursor", "pointer")
    .attr("transform", (r) => `translate(0,${band(`${name(r)}\u0000${seriesOf(spec, r)}`)})`)
    .on("click", (event, r) => onSelect(spec.series ? { column: spec.series, value: r[spec.series], row: r } : { column: spec.x, value: r[spec.x], row: r }));
  step.append("text").attr("x", 4).attr("y", band.bandwidth() / 2).attr("dy", "0.35em").attr("class", "label")
    .text((r) => cut(name(r) + (spec.series ? ` · ${r[spec.series]}` : ""), 26));
  step.append("rect").attr("data-testid", "mark").attr("x", 180).attr("height", band.bandwidth())
    .attr("width", (r) => x(r[spec.y])).attr("fill", (r) => palette(seriesOf(spec, r)))
    .attr("data-x", (r) => r[spec.x]).attr("data-series", (r) => seriesOf(spec, r)).attr("data-value", (r) => r[spec.y]);
  step.append("text").attr("class", "value").attr("x", (r) => 186 + x(r[spec.y])).attr("y", band.bandwidth() / 2).attr("dy", "0.35em")
    .text((r) => `${number(r[spec.y])} · ${percent(r[spec.y] / (firstBySeries.get(seriesOf(spec, r)) || 1))}`);
}

/** Paths ("a → b → c", count) as a sankey: a node per event and depth, links summed per depth. */
function drawSankey(svg, spec, rows, onSelect) {
  const nodes = new Map();
  const links = new Map();
  for (const r of rows) {
    const events = String(r[spec.x]).split(PATH_SEPARATOR);
    events.forEach((event, depth) => nodes.set(`${depth}:${event}`, { id: `${depth}:${event}`, event, depth }));
    for (let i = 1; i < events.length; i++) {
      const key = `${i - 1}:${events[i - 1]}\u0000${i}:${events[i]}`;
      const link = links.get(key) ?? { source: `${i - 1}:${events[i - 1]}`, target: `${i}:${events[i]}`, value: 0 };
      link.value += r[spec.y];
      links.set(key, link);
    }
  }
  if (links.size === 0) return;
  const layout = d3.sankey().nodeId((n) => n.id).nodeWidth(12).nodePadding(10).extent([[4, 8], [W - 110, H - 8]]);
  const graph = layout({ nodes: [...nodes.values()].map((n) => ({ ...n })), links: [...links.values()].map((l) => ({ ...l })) });
  svg.append("g").attr("class", "links").attr("fill", "none").selectAll("path").data(graph.links).join("path")
    .attr("data-testid", "mark").attr("d", d3.sankeyLinkHorizontal()).attr("stroke", (l) => palette(l.target.event))
    .attr("stroke-opacity", 0.45).attr("stroke-width", (l) => Math.max(1, l.width)).style("cursor", "pointer")
    .on("click", (event, l) => onSelect({ link: { source: place(l.source), target: place(l.target) } }))
    .attr("data-x", (l) => `${l.source.id}→${l.target.id}`).attr("data-value", (l) => l.value)
    .append("title").text((l) => `${l.source.event} → ${l.target.event} · ${number(l.value)}`);
  const node = svg.append("g").attr("class", "nodes").selectAll("g").data(graph.nodes).join("g").style("cursor", "pointer")
    .on("click", (event, n) => onSelect({ column: spec.x, value: n.event, depth: n.depth }));
  node.append("rect").attr("x", (n) => n.x0).attr("y", (n) => n.y0).attr("width", (n) => n.x1 - n.x0)
    .attr("height", (n) => Math.max(1, n.y1 - n.y0)).attr("fill", (n) => palette(n.event));
  node.append("text").attr("x", (n) => n.x1 + 4).attr("y", (n) => (n.y0 + n.y1) / 2).attr("dy", "0.35em").attr("class", "label")
    .text((n) => `${cut(n.event, 18)} ${number(n.value)}`);
}

const place = (node) => ({ event: node.event, depth: node.depth });

/** Time labels are tilted to fit; category labels, already cut short, stay level. */
function axes(svg, bottom, left, tilted = true) {
  const x = svg.append("g").attr("class", "axis x").attr("transform", `translate(0,${H - M.bottom})`).call(bottom);
  if (tilted) x.selectAll("text").attr("transform", "rotate(-20)").style("text-anchor", "end");
  svg.append("g").attr("class", "axis y").attr("transform", `translate(${M.left},0)`).call(left);
}

function legend(svg, keys, onClick) {
  const item = svg.append("g").attr("class", "legend").attr("transform", `translate(${M.left},${H - 10})`)
    .selectAll("g").data(keys.slice(0, 8)).join("g").attr("data-testid", "legend-item").attr("data-series", (k) => k)
    .attr("transform", (k, i) => `translate(${i * 84},0)`).style("cursor", "pointer").on("click", (event, k) => onClick(k));
  item.append("rect").attr("width", 9).attr("height", 9).attr("y", -8).attr("fill", (k) => palette(k));
  item.append("text").attr("x", 12).text((k) => cut(k, 11));
}

/** A label cut to `n` characters (the whole one is in the table). */
function cut(text, n = 14) {
  const s = String(text);
  return s.length > n ? s.slice(0, n - 1) + "…" : s;
}
