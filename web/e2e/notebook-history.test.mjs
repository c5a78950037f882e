// The notebook's history kinds in a real Chromium: each is a job (202, polled), drawn as the API answers
// it, and a running one is cancelled. NotebookHistoryBrowserTest (query-api) writes generated journeys
// to HBase and runs this with:
//
//   DASHBOARD_URL  the dashboard, e.g. http://127.0.0.1:4567/
//   FROM, TO       a closed range (ISO-8601) holding the journeys
//   COUNTED_EVENT  an event of the journeys with live counts by source in that range, COUNTED_SOURCE among them
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { env, open, remoteRequests } from "./browser.mjs";
import { queryAnswer, tableRows } from "./notebook-page.mjs";

const url = env("DASHBOARD_URL");
const range = { from: env("FROM"), to: env("TO") };
const countedEvent = env("COUNTED_EVENT");
const countedSource = env("COUNTED_SOURCE");
const STEPS = ["page_view", "search", "register"];
const QUERIES = [
  { kind: "funnel_preview", steps: STEPS, ...range },
  { kind: "paths", after: "search", depth: 2, ...range },
  { kind: "time_to_convert", steps: STEPS, from_step: 1, to_step: 3, ...range },
  { kind: "sample", event: "register", limit: 5, ...range },
  { kind: "timeline", limit: 20, ...range },
];

let browser;
let page;

before(async () => {
  browser = await open(url + "notebook.html");
  page = browser.page;
});

after(async () => {
  await browser?.close();
});

const cells = () => page.locator("[data-testid=cell]");

/** The API's answer to a history query: submitted, then polled until done. */
const apiAnswer = (query) => queryAnswer(url, query);

async function addAndRun(query) {
  await page.click("[data-testid=add-query]");
  const cell = cells().last();
  await cell.locator("[data-action=raw]").click();
  await cell.locator("[data-testid=raw-json]").fill(JSON.stringify(query));
  await cell.locator("[data-action=run]").click();
  return cell;
}

for (const [i, query] of QUERIES.entries()) {
  test(`a ${query.kind} cell runs as a job and draws the API's answer`, async () => {
    // A timeline's user is one the sample found.
    if (query.kind === "timeline") query.user = (await apiAnswer(QUERIES.find((q) => q.kind === "sample"))).rows[0][1];
    const cell = await addAndRun(query);
    await page.waitForFunction((n) => document.querySelectorAll("[data-testid=cell]")[n]?.dataset.runs === "1", i, { timeout: 60_000 })
      .catch(async (error) => { throw new Error(`${error.message}: ${await cell.locator("[data-testid=cell-status]").textContent()}`); });
    const answer = await apiAnswer(query);
    assert.equal(answer.source, "history");
    await assertCellShows(cell, answer);
  });
}

/** The cell's table is the answer's rows, and its chart draws them (a sankey's links: the paths' sums). */
async function assertCellShows(cell, answer) {
  assert.deepEqual(await tableRows(cell), answer.rows);
  assert.ok(answer.rows.length > 0, "the journeys answer something");
  const marks = await cell.locator("[data-testid=mark]").evaluateAll((ms) => ms.map((m) => [m.dataset.x, Number(m.dataset.value)]));
  const chart = answer.chart.type;
  assert.equal(await cell.locator("[data-testid=chart]").getAttribute("data-chart"), chart);
  if (chart === "sankey") {
    // Each link is the sum of the paths' counts through it.
    const links = {};
    for (const [path, count] of answer.rows) {
      const events = path.split(" → ");
      for (let d = 1; d < events.length; d++) {
        const key = `${d - 1}:${events[d - 1]}→${d}:${events[d]}`;
        links[key] = (links[key] ?? 0) + count;
      }
    }
    assert.deepEqual(Object.fromEntries(marks), links);
  } else if (chart !== "table") {
    const y = answer.columns.indexOf(answer.chart.y);
    assert.deepEqual(marks.map(([, v]) => v), answer.rows.map((r) => r[y]));
  }
}

test("a running job is cancelled from its cell", async () => {
  // A range not asked before: not in the cache, so it runs long enough to cancel.
  const cell = await addAndRun({ kind: "paths", after: "page_view", depth: 5, limit: 50, from: range.from, to: new Date(Date.parse(range.to) + 60_000).toISOString() });
  // The cell names its job once the server has answered 202.
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=cell]")[n]?.dataset.job, QUERIES.length, { timeout: 10_000 });
  const job = await cell.getAttribute("data-job");
  await cell.locator("[data-action=cancel]").click();
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=cell]")[n]?.dataset.state === "error", QUERIES.length, { timeout: 10_000 });
  assert.equal(await cell.locator("[data-testid=cell-status] .text").textContent(), "cancelled");
  const status = await (await fetch(new URL(`/api/query/${job}`, url))).json();
  assert.ok(["cancelled", "done"].includes(status.status), JSON.stringify(status));
});

/**
 * Clicks `mark` in cell `index`; the cell the click adds right below holds `expected`, runs it, and shows
 * the API's answer to it.
 */
async function assertDrillsDown(index, mark, expected) {
  const before = await cells().count();
  await cells().nth(index).locator(mark).click();
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=cell]")[n]?.dataset.runs === "1", index + 1, { timeout: 60_000 })
    .catch(async (error) => { throw new Error(`${error.message}: ${await cells().nth(index + 1).locator("[data-testid=cell-status]").textContent()}`); });
  assert.equal(await cells().count(), before + 1, "one cell added");
  const added = cells().nth(index + 1);
  await added.locator("[data-action=raw]").click();
  assert.deepEqual(JSON.parse(await added.locator("[data-testid=raw-json]").inputValue()), expected, "prefilled with the narrower query");
  await added.locator("[data-action=raw]").click();
  await assertCellShows(added, await apiAnswer(expected));
}

const resolved = (answer) => ({ from: answer.meta.from, to: answer.meta.to });

test("clicking a funnel preview's step adds a cell below of the paths after that step's event", async () => {
  const preview = await apiAnswer(QUERIES[0]);
  await assertDrillsDown(0, "[data-testid=mark][data-x='2']", { kind: "paths", after: STEPS[1], ...resolved(preview) });
});

test("clicking a sankey's link adds a cell below sampling the link's target event", async () => {
  // The paths cell, below the cell the last test added.
  const paths = await apiAnswer(QUERIES[1]);
  const link = await cells().nth(2).locator("[data-testid=mark]").first().getAttribute("data-x");
  const target = link.split("→")[1].replace(/^\d+:/, "");
  await assertDrillsDown(2, `[data-testid=mark][data-x="${link}"]`, { kind: "sample", event: target, ...resolved(paths) });
});

test("clicking a value's bar in a live chart adds a cell below sampling that value's events", async () => {
  const top = { kind: "top", event: countedEvent, by: "source", ...range };
  await page.click("[data-testid=add-query]");
  const cell = cells().last();
  await cell.locator("[data-action=raw]").click();
  await cell.locator("[data-testid=raw-json]").fill(JSON.stringify(top));
  await cell.locator("[data-action=run]").click();
  const index = (await cells().count()) - 1;
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=cell]")[n]?.dataset.runs === "1", index, { timeout: 10_000 });
  const answer = await (await fetch(new URL("/api/query", url), {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(top),
  })).json();
  await assertDrillsDown(index, `[data-testid=mark][data-x="${countedSource}"]`,
    { kind: "sample", event: countedEvent, where: { source: countedSource }, ...resolved(answer) });
});

test("every request stays on this machine, and the console shows no errors", async () => {
  await page.screenshot({ path: "/tmp/notebook-history.png", fullPage: true });
  assert.deepEqual(remoteRequests(browser.requests), []);
  assert.deepEqual(browser.consoleErrors, []);
});
