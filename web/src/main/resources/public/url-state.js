// A page's view, all of it in the page's URL so that a view can be shared and reloaded as it was; the
// dashboard (DASHBOARD_VIEW) and a funnel's page (FUNNEL_VIEW) both keep theirs so:
//   ?range=30m|15m|1h|6h|24h|7d|30d   a range ending now; or range=custom&from=ISO&to=ISO (fixed instants)
//   &step=minute|hour|day             the bucket (none: the range's own, view.step below)
//   &tz=Europe/Berlin                 the zone buckets and labels follow (none: UTC)
//   &by=DIMENSION                     the breakdown (dashboard: none is source, or the first recorded
//                                     dimension; funnel: none is no breakdown)
//   &q=TEXT                           dashboard: only the events whose name contains TEXT
//   &compare=previous                 funnel: each step's count beside the period as long just before
// Other parameters (a funnel's id and version) are the page's own and are kept as they are.
"use strict";

const VIEW_PRESETS = { "15m": 15, "30m": 30, "1h": 60, "6h": 360, "24h": 1440, "7d": 10080, "30d": 43200 };
const VIEW_STEPS = ["minute", "hour", "day"];
const DASHBOARD_VIEW = { range: "30m", from: "", to: "", step: "", tz: "UTC", by: "", q: "" };
const FUNNEL_VIEW = { range: "1h", from: "", to: "", step: "", tz: "UTC", by: "", compare: "" };

/** The view the URL names, of a page whose view has these defaults; what it does not name, or names wrongly, is the default. */
function readView(defaults, search = location.search) {
  const params = new URLSearchParams(search);
  const view = { ...defaults };
  for (const name of Object.keys(view)) if (params.get(name)) view[name] = params.get(name);
  const custom = view.range === "custom" && !isNaN(Date.parse(view.from)) && !isNaN(Date.parse(view.to));
  if (!custom && !(view.range in VIEW_PRESETS)) view.range = defaults.range;
  if (!custom) view.from = view.to = "";
  if (!VIEW_STEPS.includes(view.step)) view.step = "";
  if ("compare" in view && view.compare !== "previous") view.compare = "";
  return view;
}

/**
 * Puts the view in the URL (replacing the entry: a view is refined, not navigated), its defaults left
 * out, the page's other parameters kept.
 */
function writeView(view, defaults) {
  const params = new URLSearchParams(location.search);
  for (const [name, value] of Object.entries(view)) {
    if (value && value !== defaults[name]) params.set(name, value);
    else params.delete(name);
  }
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

/** A range's length as a label says it: minutes under two hours, hours under two days, then days. */
function rangeLength(minutes) {
  return minutes < 120 ? `${Math.round(minutes)} min` : minutes < 2880 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} days`;
}
