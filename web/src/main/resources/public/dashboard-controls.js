// The view controls the dashboard (index.html) and a funnel's page (funnel.html) share: range presets or
// from/to, step and time zone, drawn into the page's `[data-view-controls]`; and, where the page has them,
// its event filter (`view-q`) and its comparison with the period before (`view-compare`). Each change goes
// to the URL (url-state.js) and to `onChange(view)`. Each page keeps its own breakdown selector: what a
// page can be broken down by is its own (the recorded dimensions; a funnel's breakdown).
"use strict";

const RANGE_LABELS = {
  "15m": "Last 15 minutes", "30m": "Last 30 minutes", "1h": "Last hour", "6h": "Last 6 hours",
  "24h": "Last 24 hours", "7d": "Last 7 days", "30d": "Last 30 days", custom: "From … to …",
};

/** The shared controls' markup, built once into `[data-view-controls]`. */
function drawViewControls() {
  const root = d3.select("[data-view-controls]");
  root.append("label").attr("class", "select").text("Range")
    .append("select").attr("data-testid", "view-range").attr("aria-label", "Time range")
    .selectAll("option").data(Object.keys(RANGE_LABELS)).join("option").attr("value", (r) => r).text((r) => RANGE_LABELS[r]);
  const custom = root.append("span").attr("class", "custom-range").attr("data-testid", "view-custom").property("hidden", true);
  custom.append("input").attr("type", "datetime-local").attr("data-testid", "view-from").attr("aria-label", "From");
  custom.append("input").attr("type", "datetime-local").attr("data-testid", "view-to").attr("aria-label", "To");
  root.append("label").attr("class", "select").text("Step")
    .append("select").attr("data-testid", "view-step").attr("aria-label", "Step")
    .selectAll("option").data(["", ...VIEW_STEPS]).join("option").attr("value", (s) => s)
    .text((s) => (s ? s[0].toUpperCase() + s.slice(1) : "Auto"));
  root.append("label").attr("class", "select").text("Time zone ")
    .append("select").attr("data-testid", "view-tz").attr("aria-label", "Time zone");
}

/**
 * Draws the controls, binds them to `view` (changed in place; `defaults` its page's, for the URL) and
 * fills the time zones the browser knows.
 */
function bindViewControls(view, defaults, onChange) {
  drawViewControls();
  const control = (name) => d3.select(`[data-testid=view-${name}]`);
  // The browser's list may spell a zone otherwise than the URL does (Asia/Calcutta for Asia/Kolkata).
  const zones = [...new Set(["UTC", view.tz, ...Intl.supportedValuesOf("timeZone")])];
  control("tz").selectAll("option").data(zones).join("option").attr("value", (z) => z).text((z) => z);
  const localInput = (iso) => (iso ? toLocalInput(new Date(iso)) : "");
  const show = () => {
    control("range").property("value", view.range);
    control("custom").property("hidden", view.range !== "custom");
    control("from").property("value", localInput(view.from));
    control("to").property("value", localInput(view.to));
    control("step").property("value", view.step);
    control("tz").property("value", view.tz);
    control("q").property("value", view.q ?? "");
    control("compare").property("checked", view.compare === "previous");
  };
  const changed = (edit) => (event) => {
    edit(event.target);
    writeView(view, defaults);
    show();
    onChange(view);
  };
  control("range").on("change", changed(({ value: range }) => {
    // Custom starts from the range shown, as fixed instants.
    if (range === "custom" && view.range !== "custom") {
      const { from, to } = viewRange(view);
      Object.assign(view, { from: from.toISOString(), to: to.toISOString() });
    }
    view.range = range;
    if (range !== "custom") view.from = view.to = "";
  }));
  // datetime-local is the browser's wall clock; the URL keeps the instant.
  control("from").on("change", changed(({ value }) => value && (view.from = new Date(value).toISOString())));
  control("to").on("change", changed(({ value }) => value && (view.to = new Date(value).toISOString())));
  control("step").on("change", changed(({ value }) => (view.step = value)));
  control("tz").on("change", changed(({ value }) => (view.tz = value)));
  control("q").on("input", changed(({ value }) => (view.q = value.trim())));
  control("compare").on("change", changed(({ checked }) => (view.compare = checked ? "previous" : "")));
  show();
}

/** The label of the view's range: "last 30 minutes", or its two instants (formatted by `format`). */
function describeRange(view, range, format) {
  return view.range === "custom"
    ? `${format(range.from)} to ${format(range.to)}`
    : "last " + RANGE_LABELS[view.range].replace(/^Last /, "");
}

function toLocalInput(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
