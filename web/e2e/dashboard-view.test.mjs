// The dashboard's view controls and its URL state, in a real Chromium against a running API.
// DashboardViewBrowserTest (query-api) seeds Redis and runs this with:
//
//   DASHBOARD_URL  the dashboard, e.g. http://127.0.0.1:4567/
//   EVENT          an event counted over the last 30 minutes by source and partner
//   OTHER_EVENT    another event, whose name does not contain FILTER
//   FILTER         a part of EVENT's name
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { env, open, remoteRequests } from "./browser.mjs";

const url = env("DASHBOARD_URL");
const event = env("EVENT");
const otherEvent = env("OTHER_EVENT");
const filter = env("FILTER");
const ZONE = "Asia/Kolkata";

let browser;
let page;

before(async () => {
  browser = await open(`${url}?range=6h&step=hour&tz=${encodeURIComponent(ZONE)}&by=partner&q=${filter}`);
  page = browser.page;
});

after(async () => {
  await browser?.close();
});

const card = (name) => page.locator(`[data-testid=event-card][data-event="${name}"]`);
/** A bar with a count, so a visible one. */
const bar = () => card(event).locator('[data-testid=chart] rect[data-value]:not([data-value="0"])').first();
const controls = () => page.evaluate(() => Object.fromEntries(["range", "step", "tz", "q"]
  .map((name) => [name, document.querySelector(`[data-testid=view-${name}]`).value])
  .concat([["by", document.querySelector("[data-testid=breakdown-select]").value]])));
const search = () => Object.fromEntries(new URL(page.url()).searchParams);

test("a URL's view is shown as it says: range, step, zone, breakdown and event filter", async () => {
  await bar().waitFor({ timeout: 10_000 });
  assert.deepEqual(await controls(), { range: "6h", step: "hour", tz: ZONE, q: filter, by: "partner" });
  assert.equal(await card(otherEvent).count(), 0, "only the events whose name matches the filter");
  const asked = browser.requests.filter((r) => r.includes(`/api/counts?event=${event}`)).map((r) => new URL(r).searchParams);
  assert.ok(asked.length > 0);
  for (const params of asked) {
    assert.deepEqual([params.get("step"), params.get("tz"), params.get("by")], ["hour", ZONE, "partner"]);
    assert.equal(Date.parse(params.get("to")) - Date.parse(params.get("from")), 6 * 3600 * 1000);
  }
  const buckets = await card(event).locator("rect[data-t]").evaluateAll((rs) => rs.map((r) => r.dataset.t));
  assert.ok(buckets.every((t) => t.endsWith("+05:30")), `hours of ${ZONE}: ${buckets[0]}`);
});

test("the bars drawn add up to the API's counts for the same view", async () => {
  const last = asked().at(-1);
  const answer = await (await fetch(new URL(`/api/counts?${last}`, url))).json();
  const drawn = await card(event).locator("rect[data-key]").evaluateAll((rs) => rs.map((r) => [r.dataset.key, Number(r.dataset.value)]));
  const sum = (pairs) => pairs.reduce((totals, [key, n]) => ({ ...totals, [key]: (totals[key] ?? 0) + n }), {});
  const api = sum(answer.series.flatMap((s) => s.points.map((p) => [s.key, p.count])));
  assert.deepEqual(sum(drawn), api);
  assert.ok(Object.values(api).some((n) => n > 0), "the seeded counts are in the view");
});

const asked = () => browser.requests.filter((r) => r.includes(`/api/counts?event=${event}`)).map((r) => new URL(r).searchParams);

test("changing the controls changes the URL, and a reload restores the view", async () => {
  await page.selectOption("[data-testid=view-range]", "1h");
  await page.selectOption("[data-testid=view-step]", "minute");
  await page.selectOption("[data-testid=view-tz]", "UTC");
  await page.selectOption("[data-testid=breakdown-select]", "source");
  assert.deepEqual(search(), { range: "1h", step: "minute", by: "source", q: filter });
  await page.selectOption("[data-testid=view-range]", "custom");
  const custom = search();
  assert.ok(Date.parse(custom.to) - Date.parse(custom.from) === 3600 * 1000, JSON.stringify(custom));
  await page.reload();
  await bar().waitFor({ timeout: 10_000 });
  assert.deepEqual(search(), custom);
  assert.deepEqual(await controls(), { range: "custom", step: "minute", tz: "UTC", q: filter, by: "source" });
  assert.equal(await page.isVisible("[data-testid=view-from]"), true);
  await page.screenshot({ path: "/tmp/dashboard-view.png" });
  const last = asked().at(-1);
  assert.deepEqual([last.get("from"), last.get("to")], [custom.from, custom.to]);
});

test("clicking a bar opens the notebook with the chart's query prefilled, and runs it", async () => {
  await bar().click();
  await page.waitForURL(/\/notebook\.html\?draft=/, { timeout: 10_000 });
  const draft = JSON.parse(new URL(page.url()).searchParams.get("draft"));
  const custom = { from: new Date(draft.from).toISOString(), to: new Date(draft.to).toISOString() };
  assert.deepEqual(draft, { kind: "counts", event, step: "minute", tz: "UTC", by: "source", ...custom });
  const cell = page.locator("[data-testid=cell]");
  await page.locator("[data-testid=cell][data-runs='1']").waitFor({ timeout: 10_000 });
  assert.equal(await cell.locator("select[data-field=kind]").inputValue(), "counts");
  assert.equal(await cell.locator("[data-field=event]").inputValue(), event);
  assert.equal(await cell.locator("[data-field=by]").inputValue(), "source");
  assert.ok(await cell.locator("[data-testid=mark]").count() > 0, "the query's chart is drawn");
});

test("every request stays on this machine", () => {
  assert.deepEqual(remoteRequests(browser.requests), []);
});

test("the console shows no errors", () => {
  assert.deepEqual(browser.consoleErrors, []);
});
