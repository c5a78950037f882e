// The dashboard's view, all of it in the page's URL so that a view can be shared and reloaded as it was:
//   ?range=30m|15m|1h|6h|24h|7d|30d   a range ending now; or range=custom&from=ISO&to=ISO (fixed instants)
//   &step=minute|hour|day             the bucket (none: the range's own, view.step below)
//   &tz=Europe/Berlin                 the zone buckets and labels follow (none: UTC)
//   &by=DIMENSION                     the breakdown (none: source, or the first recorded dimension)
//   &q=TEXT                           only the events whose name contains TEXT
"use strict";

const VIEW_PRESETS = { "15m": 15, "30m": 30, "1h": 60, "6h": 360, "24h": 1440, "7d": 10080, "30d": 43200 };
const VIEW_STEPS = ["minute", "hour", "day"];
const VIEW_DEFAULTS = { range: "30m", from: "", to: "", step: "", tz: "UTC", by: "", q: "" };

/** The view the URL names; what it does not name, or names wrongly, is the default. */
function readView(search = location.search) {
  const params = new URLSearchParams(search);
  const view = { ...VIEW_DEFAULTS };
  for (const name of Object.keys(view)) if (params.get(name)) view[name] = params.get(name);
  const custom = view.range === "custom" && !isNaN(Date.parse(view.from)) && !isNaN(Date.parse(view.to));
  if (!custom && !(view.range in VIEW_PRESETS)) view.range = VIEW_DEFAULTS.range;
  if (!custom) view.from = view.to = "";
  if (!VIEW_STEPS.includes(view.step)) view.step = "";
  return view;
}

/** Puts the view in the URL (replacing the entry: a view is refined, not navigated), defaults left out. */
function writeView(view) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(view)) if (value && value !== VIEW_DEFAULTS[name]) params.set(name, value);
  const search = params.toString();
  history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
}

/**
 * The instants and step the view reads now: a preset ends after the current minute (the minute still
 * being counted is the last bucket); the step, unless chosen, keeps buckets few (minutes up to 6 hours,
 * hours up to a week, then days).
 */
function viewRange(view, now = new Date()) {
  let from;
  let to;
  if (view.range === "custom") {
    from = new Date(view.from);
    to = new Date(view.to);
  } else {
    to = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 60_000);
    from = new Date(to.getTime() - VIEW_PRESETS[view.range] * 60_000);
  }
  const minutes = (to - from) / 60_000;
  const step = view.step || (minutes <= 360 ? "minute" : minutes <= 10080 ? "hour" : "day");
  return { from, to, step, minutes };
}
