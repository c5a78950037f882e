// The dashboard's controls (index.html's header): range presets or from/to, step, time zone, breakdown
// and an event filter. Each change goes to the URL (url-state.js) and to `onChange(view)`.
"use strict";

/** Binds the controls to `view` (changed in place) and fills the time zones the browser knows. */
function bindViewControls(view, onChange) {
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
    control("q").property("value", view.q);
  };
  const changed = (edit) => (event) => {
    edit(event.target.value);
    writeView(view);
    show();
    onChange(view);
  };
  control("range").on("change", changed((range) => {
    // Custom starts from the range shown, as fixed instants.
    if (range === "custom" && view.range !== "custom") {
      const { from, to } = viewRange(view);
      Object.assign(view, { from: from.toISOString(), to: to.toISOString() });
    }
    view.range = range;
    if (range !== "custom") view.from = view.to = "";
  }));
  // datetime-local is the browser's wall clock; the URL keeps the instant.
  control("from").on("change", changed((value) => value && (view.from = new Date(value).toISOString())));
  control("to").on("change", changed((value) => value && (view.to = new Date(value).toISOString())));
  control("step").on("change", changed((step) => (view.step = step)));
  control("tz").on("change", changed((tz) => (view.tz = tz)));
  control("q").on("input", changed((q) => (view.q = q.trim())));
  show();
}

function toLocalInput(date) {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
