// The Clickstream dashboard: polls the JSON API about once a second (every few seconds for a range over an
// hour) and redraws with D3. What it shows is the view in the URL (url-state.js), set by its controls.
"use strict";

const POLL_MS = 1000;
const SLOW_POLL_MS = 5000;
/** Values shown apart in a chart; the rest are summed, so that a legend stays short. */
const TOP_VALUES = 6;
/**
 * Series ids: a value's series, the missing one and the other values are told apart by the API's
 * `missing` and `other` flags, never by the key's text. The API's `other` series (values past the
 * pipeline's cap per minute, and past the API's top `limit` series) joins the values past TOP_VALUES:
 * all are "other values".
 */
const OTHER = "other";
const seriesId = (s) => (s.missing ? "missing" : s.other ? OTHER : "value:" + s.key);
const KPIS = [
  ["_sessions", "Sessions started"],
  ["_micro", "Micro conversions"],
  ["_macro", "Macro conversions"],
];

const W = 360;
const H = 150;
const M = { top: 8, right: 6, bottom: 20, left: 34 };

const number = d3.format(",");
const clockSeconds = d3.timeFormat("%H:%M:%S");
const dateTime = d3.timeFormat("%Y-%m-%d %H:%M:%S");
// One colour per value for the whole page, so that a value looks the same in every chart.
const palette = d3.scaleOrdinal(d3.schemeTableau10);
const fill = (id) => (id === OTHER ? "#b8bec9" : id === "missing" ? "#8d96a5" : palette(id));

// The range, step, zone, breakdown and event filter shown; `view.by` is one of /api/dimensions, `source`
// until the user picks another.
const view = readView(DASHBOARD_VIEW);
// Each refresh's number: one started before the view changed draws nothing.
let refreshes = 0;

// The largest lag seen since the catch-up bar appeared: its progress is the share of that backlog read since.
let catchUpFrom = 0;

// `answers`: statuses besides 2xx whose body is an answer too, such as health's 503 while the API is starting.
async function getJson(path, answers = []) {
  const response = await apiFetch(path);
  const body = await response.json();
  if (!response.ok && !answers.includes(response.status)) {
    throw Object.assign(new Error(body.error || String(response.status)), { status: response.status });
  }
  return body;
}

function countsPath(event, by, range) {
  const params = new URLSearchParams({
    event, from: range.from.toISOString(), to: range.to.toISOString(), step: range.step, tz: view.tz,
  });
  if (by) params.set("by", by);
  return "/api/counts?" + params;
}

async function refresh() {
  const asked = ++refreshes;
  const range = viewRange(view);
  const events = "/api/events" + (view.q ? "?" + new URLSearchParams({ search: view.q }) : "");
  const [health, eventList, funnels, dimensions] = await Promise.all([
    getJson("/api/health", [503]), getJson(events), getJson("/api/funnels"), getJson("/api/dimensions"),
  ]);
  renderBreakdownSelect(dimensions.dimensions);
  const chartsBy = view.by;
  const [counts, kpis] = await Promise.all([
    Promise.all(eventList.map((e) => getJson(countsPath(e.name, chartsBy, range)))),
    Promise.all(KPIS.map(([event]) => getJson(countsPath(event, null, range)))),
  ]);
  if (asked !== refreshes) return;
  d3.select("[data-testid=view-error]").property("hidden", true);
  d3.select("[data-testid=view-summary]").text(describeView(range));
  renderHealth(health);
  renderFunnels(funnels);
  renderKpis(kpis, range);
  renderEvents(eventList.map((e, i) => ({ ...e, series: counts[i].series })), range, chartsBy);
  d3.select("[data-testid=updated]").text(clockSeconds(new Date()));
}

function describeView(range) {
  return `${describeRange(view, range, dateTime)} by ${range.step}${view.tz === "UTC" ? "" : ", " + view.tz}${view.q ? `, events matching “${view.q}”` : ""}`;
}

// The next refresh is scheduled only once this one is done, so requests never pile up.
async function poll() {
  try {
    await refresh();
  } catch (error) {
    // A view the API refuses (a range too long for its step, say) says why; anything else is an outage.
    if (error.status >= 400 && error.status < 500) {
      d3.select("[data-testid=view-error]").property("hidden", false).text(error.message);
    } else {
      d3.select("[data-testid=overall-status]").attr("class", "pill down").text("API unreachable");
    }
  }
  setTimeout(poll, viewRange(view).minutes > 60 ? SLOW_POLL_MS : POLL_MS);
}

// A changed view is drawn at once; the poll goes on as it was.
bindViewControls(view, DASHBOARD_VIEW, () => refresh().catch(() => {}));

// The recorded dimensions, named as the API names them (`properties.plan`); keeps the user's choice.
function renderBreakdownSelect(dimensions) {
  const names = dimensions.map((d) => d.name);
  if (!names.includes(view.by)) view.by = names.includes("source") ? "source" : (names[0] ?? "");
  d3.select("[data-testid=breakdown-select]")
    .selectAll("option")
    .data(dimensions, (d) => d.name)
    .join("option")
    .attr("value", (d) => d.name)
    .attr("title", (d) => d.name + (d.live_from ? ` · counted since ${dateTime(new Date(d.live_from))}` : ""))
    .text((d) => d.name)
    .order();
  d3.select("[data-testid=breakdown-select]").property("value", view.by);
  d3.select("[data-testid=breakdown-name]").text(view.by || "nothing").attr("title", view.by);
}

d3.select("[data-testid=breakdown-select]").on("change", (event) => {
  view.by = event.target.value;
  writeView(view, DASHBOARD_VIEW);
  d3.select("[data-testid=breakdown-name]").text(view.by).attr("title", view.by);
  refresh().catch(() => {});
});

function renderHealth(health) {
  const { pipeline } = health;
  d3.select("[data-testid=overall-status]").attr("class", "pill " + health.status).text(health.status);
  d3.select("[data-testid=pipeline-status]")
    .attr("class", pipeline.status === "stalled" ? "bad" : null)
    .text(pipeline.status);
  d3.select("[data-testid=watermark]").text(pipeline.watermark ? describeWatermark(new Date(pipeline.watermark)) : "–");
  d3.select("[data-testid=stores]").text(`${health.redis.status} · ${health.hbase.status}`);
  // Late rows a backfill of counts has counted stay in the stream (a log), but are no longer lost.
  const counted = health.dead_letters_counted || 0;
  d3.select("[data-testid=dead-letters]")
    .attr("class", health.dead_letters > counted ? "warn" : null)
    .text(health.dead_letters == null ? "–"
      : number(health.dead_letters) + (counted > 0 ? ` (${number(counted)} late, since counted)` : ""));
  renderCatchUp(pipeline);
}

// Only a running pipeline catches up: a stalled one's positions fall behind too, and its status says why.
function renderCatchUp(pipeline) {
  const catchingUp = pipeline.status === "running" && pipeline.caught_up === false;
  catchUpFrom = catchingUp ? Math.max(catchUpFrom, pipeline.behind_seconds) : 0;
  d3.select("[data-testid=catch-up]").property("hidden", !catchingUp);
  if (!catchingUp) return;
  const events = pipeline.events_behind == null ? "" : ` (~${number(pipeline.events_behind)} events)`;
  d3.select("[data-testid=catch-up-text]").text(`Catching up: ${duration(pipeline.behind_seconds)} of writes behind${events}`);
  d3.select("[data-testid=catch-up-progress]").property("value", 1 - pipeline.behind_seconds / catchUpFrom);
}

function describeWatermark(watermark) {
  const now = new Date();
  const sameDay = d3.timeDay.floor(now).getTime() === d3.timeDay.floor(watermark).getTime();
  return `${(sameDay ? clockSeconds : dateTime)(watermark)} (${duration((now - watermark) / 1000)} behind)`;
}

// Whole seconds under two minutes, then minutes under two hours, then hours.
function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}

// Each defined funnel links to its own page, funnel.html?id=ID.
function renderFunnels(funnels) {
  d3.select("[data-testid=funnels]").property("hidden", funnels.length === 0);
  d3.select("[data-testid=funnel-list]")
    .selectAll("a")
    .data(funnels, (f) => f.id)
    .join((enter) => {
      const link = enter.append("a").attr("class", "funnel-link").attr("data-testid", "funnel-link");
      link.append("div").attr("class", "title");
      link.append("div").attr("class", "path");
      return link;
    })
    .attr("href", (f) => "/funnel.html?id=" + encodeURIComponent(f.id))
    .attr("data-funnel", (f) => f.id)
    .call((link) => {
      link.select(".title").text((f) => f.name);
      link.select(".path").text((f) => `${f.steps.map((s) => s.event).join(" → ")} · v${f.version}`);
    });
}

function renderKpis(results, range) {
  const tiles = KPIS.map(([event, label], i) => ({
    event,
    label,
    value: d3.sum(results[i].series[0].points, (p) => p.count),
  }));
  d3.select("[data-testid=kpis]")
    .selectAll(".kpi")
    .data(tiles, (d) => d.event)
    .join((enter) => {
      const tile = enter.append("div").attr("class", "kpi").attr("data-testid", (d) => "kpi" + d.event);
      tile.append("div").attr("class", "label");
      tile.append("div").attr("class", "value");
      return tile;
    })
    .call((tile) => tile.select(".label").text((d) => `${d.label} · ${rangeLength(range.minutes)}`))
    .select(".value")
    .text((d) => number(d.value));
}

function renderEvents(events, range, chartsBy) {
  d3.select("[data-testid=empty]").property("hidden", events.length > 0);
  d3.select("[data-testid=charts]")
    .selectAll(".card")
    .data(events, (d) => d.name)
    .join(appendCard)
    .order()
    .each(function (event) {
      renderCard(d3.select(this), event, range, chartsBy);
    });
}

function appendCard(enter) {
  const card = enter.append("article").attr("class", "card").attr("data-testid", "event-card").attr("data-event", (d) => d.name);
  const header = card.append("header");
  header.append("h2").attr("data-testid", "event-name").attr("title", (d) => d.name).text((d) => d.name);
  const total = header.append("div").attr("class", "total");
  total.append("span").attr("data-testid", "event-total");
  total.append("small").text("total");
  const svg = card.append("svg").attr("viewBox", `0 0 ${W} ${H}`).attr("data-testid", "chart").attr("role", "img");
  svg.append("g").attr("class", "axis y").attr("transform", `translate(${M.left},0)`);
  svg.append("g").attr("class", "bars");
  svg.append("g").attr("class", "axis x").attr("transform", `translate(0,${H - M.bottom})`);
  card.append("table").attr("class", "legend").attr("data-testid", "legend").append("tbody");
  return card;
}

function renderCard(card, event, range, chartsBy) {
  card.select("[data-testid=event-total]").text(number(event.total));
  const { keys, labels, rows } = perBucketByValue(event.series);
  const layers = d3.stack().keys(keys).value((row, key) => row.counts.get(key) ?? 0)(rows);
  const top = d3.max(rows, (row) => d3.sum(row.counts.values())) || 1;

  const x = d3.scaleBand().domain(rows.map((r) => r.t)).range([M.left, W - M.right]).paddingInner(0.2);
  const y = d3.scaleLinear().domain([0, top]).nice(3).range([H - M.bottom, M.top]);
  const svg = card.select("svg").attr("aria-label", `${event.name} per ${range.step}, by ${chartsBy || "nothing"}`);

  const every = Math.max(1, Math.ceil(rows.length / 6));
  svg.select(".axis.x").call(
    d3.axisBottom(x)
      .tickValues(rows.filter((r, i) => i % every === 0).map((r) => r.t))
      .tickFormat((t) => bucketLabel(t, range))
      .tickSizeOuter(0),
  );
  svg.select(".axis.y")
    .call(d3.axisLeft(y).ticks(Math.min(3, top)).tickFormat(d3.format("~s")).tickSize(-(W - M.left - M.right)))
    .call((g) => g.select(".domain").remove());

  svg.select(".bars")
    .selectAll("g")
    .data(layers, (layer) => layer.key)
    .join("g")
    .attr("fill", (layer) => fill(layer.key))
    .selectAll("rect")
    .data((layer) => layer.map((d) => Object.assign(d, { key: layer.key })))
    .join((enter) => enter.append("rect").call((rect) => rect.append("title")))
    .on("click", () => openInNotebook(event.name, chartsBy, range))
    .attr("data-key", (d) => labels.get(d.key).text)
    .attr("data-t", (d) => d.data.t)
    .attr("data-value", (d) => d[1] - d[0])
    .attr("x", (d) => x(d.data.t))
    .attr("width", x.bandwidth())
    .attr("y", (d) => y(d[1]))
    .attr("height", (d) => y(d[0]) - y(d[1]))
    .select("title")
    .text((d) => `${labels.get(d.key).text} · ${bucketLabel(d.data.t, range)} · ${number(d[1] - d[0])}`);

  const legend = keys.map((key) => ({ key, ...labels.get(key), total: d3.sum(rows, (row) => row.counts.get(key) ?? 0) }));
  card.select("[data-testid=legend] tbody")
    .selectAll("tr")
    .data(legend.length ? legend : [{ key: null, total: 0 }], (d) => d.key)
    .join((enter) => {
      const tr = enter.append("tr");
      const source = tr.append("td");
      source.append("span").attr("class", "swatch");
      source.append("span").attr("class", "source").attr("data-testid", "legend-value");
      tr.append("td").attr("class", "count");
      return tr;
    })
    .order()
    .on("click", (e, d) => d.key !== null && openInNotebook(event.name, chartsBy, range))
    .attr("data-testid", (d) => (d.key === null ? "legend-empty" : "legend-row"))
    .attr("data-key", (d) => (d.key === null ? null : d.text))
    .attr("data-missing", (d) => (d.key === null ? null : String(d.missing)))
    .call((tr) => {
      tr.select(".swatch").style("background", (d) => (d.key === null ? "transparent" : fill(d.key)));
      // Values are text, never markup; a long one is cut by the stylesheet, whole in the title.
      tr.select(".source")
        .classed("missing", (d) => d.missing === true)
        .attr("title", (d) => (d.key === null ? null : d.missing ? `${d.text}: events without a ${chartsBy}` : d.text))
        .text((d) => (d.key === null ? "no events in this range" : d.text));
      tr.select(".count").text((d) => (d.key === null ? "" : number(d.total)));
    });
}

// One row per bucket the API listed (each series lists every bucket of the range, in order), each a map
// series id -> count, and each id's label (its key as text, whether it is the missing value); the API's
// series come largest first. A bucket is its `t` as the API wrote it, in the view's zone.
function perBucketByValue(series) {
  const shown = series.slice(0, TOP_VALUES);
  const keys = shown.map(seriesId).filter((id) => id !== OTHER);
  const labels = new Map(shown.map((s) => [seriesId(s), { text: s.key, missing: s.missing === true }]));
  if (series.length > TOP_VALUES || shown.some((s) => s.other)) {
    keys.push(OTHER);
    labels.set(OTHER, { text: "(other values)", missing: false });
  }
  const rows = (series[0]?.points ?? []).map((point) => ({ t: point.t, counts: new Map() }));
  const byTime = new Map(rows.map((row) => [row.t, row]));
  series.forEach((s, rank) => {
    const key = rank < TOP_VALUES ? seriesId(s) : OTHER;
    for (const point of s.points) {
      const row = byTime.get(point.t);
      if (row) row.counts.set(key, (row.counts.get(key) ?? 0) + point.count);
    }
  });
  return { keys, labels, rows };
}

// A bucket's wall-clock label in the view's zone, read from its `t` ("2024-03-31T03:00+02:00"): the
// time of day, with the date when the range spans days.
function bucketLabel(t, range) {
  if (range.step === "day") return t.slice(5, 10);
  return range.minutes > 24 * 60 ? `${t.slice(5, 10)} ${t.slice(11, 16)}` : t.slice(11, 16);
}

// A chart's query, prefilled in a new notebook (notebook.html?draft=QUERY) to be refined and saved.
function openInNotebook(eventName, chartsBy, range) {
  const query = { kind: "counts", event: eventName, step: range.step, from: range.from.toISOString(), to: range.to.toISOString(), tz: view.tz };
  if (chartsBy) query.by = chartsBy;
  location.assign("/notebook.html?" + new URLSearchParams({ draft: JSON.stringify(query) }));
}

poll();
