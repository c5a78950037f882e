// Drives the notebook page in a real Chromium against a running API. NotebookBrowserTest (query-api)
// seeds Redis and runs this with:
//
//   DASHBOARD_URL    the dashboard, e.g. http://127.0.0.1:4567/
//   API_TOKEN        the API token, which the page asks for (a prompt) before its first save
//   EVENT            an event counted by source over FROM..TO; FUNNEL_ID a saved funnel with results there
//   FROM, TO         the seeded range (ISO-8601)
//   PIPELINE_SIGNAL  a file this test writes "count-more" to: the Java side then counts LATER_COUNT more
//                    EVENT from google in the range's last minute
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { env, open, remoteRequests } from "./browser.mjs";
import { queryAnswer, tableRows } from "./notebook-page.mjs";

const url = env("DASHBOARD_URL");
const apiToken = env("API_TOKEN");
const event = env("EVENT");
const funnel = env("FUNNEL_ID");
const from = env("FROM");
const to = env("TO");
const signal = env("PIPELINE_SIGNAL");
const laterCount = Number(env("LATER_COUNT"));
const SCREENSHOT = "/tmp/notebook.png";

const range = { from, to };
/** One query per live kind, entered through the form, but `compare`, entered as raw JSON. */
const QUERIES = [
  { kind: "counts", event, by: "source", step: "minute", ...range },
  { kind: "top", event, by: "source", ...range },
  { kind: "funnel", funnel, ...range },
  { kind: "sessions", by: "source", ...range },
  { kind: "compare", with: "previous", query: { kind: "top", event, by: "source", ...range } },
];

let browser;
let page;
const prompts = [];

before(async () => {
  browser = await open(url + "notebook.html", {
    onDialog: async (dialog) => {
      prompts.push(dialog.message());
      await dialog.accept(apiToken);
    },
  });
  page = browser.page;
});

after(async () => {
  await browser?.close();
});

const cells = () => page.locator("[data-testid=cell]");
const lastCell = () => cells().last();

/** The API's answer to a live query: at once, from Redis. */
async function apiAnswer(query) {
  const answer = await queryAnswer(url, query);
  assert.equal(answer.source, "live", query.kind);
  return answer;
}

async function fillForm(cell, query) {
  await cell.locator("select[data-field=kind]").first().selectOption(query.kind);
  for (const [name, value] of Object.entries(query)) {
    if (name === "kind") continue;
    const input = cell.locator(`[data-field=${name}]`).first();
    if (await input.evaluate((el) => el.tagName === "SELECT")) await input.selectOption(String(value));
    else await input.fill(String(value));
  }
}

async function runAndWait(cell, runsBefore = 0) {
  await cell.locator("[data-action=run]").click();
  await page.waitForFunction(
    ([i, n]) => Number(document.querySelectorAll("[data-testid=cell]")[i]?.dataset.runs ?? 0) > n,
    [await cell.evaluate((el) => [...el.parentNode.children].indexOf(el)), runsBefore],
    { timeout: 10_000 },
  ).catch(async (error) => {
    throw new Error(`${error.message}: ${await cell.locator("[data-testid=cell-status]").textContent()}`);
  });
}

/** The table view's rows, as values, and the chart's marks' values. */
async function drawn(cell) {
  const rows = await tableRows(cell);
  const marks = await cell.locator("[data-testid=chart] [data-testid=mark]").evaluateAll((ms) =>
    ms.map((m) => ({ x: m.dataset.x, series: m.dataset.series, value: Number(m.dataset.value) })));
  return { rows, marks };
}

/** The chart draws every row's y, except a sankey, which sums them per link. */
function assertDrawnEqualsAnswer({ rows, marks }, answer, what) {
  assert.deepEqual(rows, answer.rows, `${what}: the table shows the API's rows`);
  const y = answer.columns.indexOf(answer.chart.y);
  assert.deepEqual(marks.map((m) => m.value), answer.rows.map((r) => r[y]), `${what}: a mark per row, drawing its ${answer.chart.y}`);
  assert.ok(answer.rows.some((r) => r[y] > 0), `${what}: the seeded data answers something`);
}

test("a new notebook: a markdown cell renders, a cell of each live kind draws the API's numbers", async () => {
  await page.fill("[data-testid=notebook-title]", "Searches by source");
  await page.click("[data-testid=add-markdown]");
  await lastCell().locator("[data-testid=markdown-editor]").fill("# Where searches come from\n\nBy **source**, <b>not HTML</b>");
  assert.equal(await lastCell().locator("[data-testid=markdown] h3").textContent(), "Where searches come from");
  assert.equal(await lastCell().locator("[data-testid=markdown] strong").textContent(), "source");
  assert.equal(await lastCell().locator("[data-testid=markdown] b").count(), 0, "markdown is text, never HTML");

  for (const query of QUERIES) {
    await page.click("[data-testid=add-query]");
    const cell = lastCell();
    if (query.kind === "compare") {
      await cell.locator("[data-action=raw]").click();
      await cell.locator("[data-testid=raw-json]").fill(JSON.stringify(query));
    } else {
      await fillForm(cell, query);
    }
    await runAndWait(cell);
    assertDrawnEqualsAnswer(await drawn(cell), await apiAnswer(query), query.kind);
  }
  const types = await page.locator("[data-testid=cell] [data-testid=chart]").evaluateAll((s) => s.map((svg) => svg.dataset.chart));
  assert.deepEqual(types, ["line", "bar", "funnel", "line", "bar"]);
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
});

test("the raw JSON view shows the query the form made, and the form shows the JSON's", async () => {
  const counts = cells().nth(1);
  await counts.locator("[data-action=raw]").click();
  assert.deepEqual(JSON.parse(await counts.locator("[data-testid=raw-json]").inputValue()), QUERIES[0]);
  await counts.locator("[data-action=raw]").click();
  const compare = lastCell();
  await compare.locator("[data-action=raw]").click();
  assert.equal(await compare.locator("[data-field=query] [data-field=event]").inputValue(), event);
});

test("each result downloads as CSV and as JSON, equal to the API's answer", async () => {
  const top = cells().nth(2);
  const answer = await apiAnswer(QUERIES[1]);
  const href = (name) => top.locator(`[data-testid=download-${name}]`).getAttribute("href");
  const json = JSON.parse(decodeURIComponent((await href("json")).split(",").slice(1).join(",")));
  assert.deepEqual([json.columns, json.rows], [answer.columns, answer.rows]);
  const csv = decodeURIComponent((await href("csv")).split(",").slice(1).join(","));
  assert.equal(csv, [answer.columns, ...answer.rows].map((r) => r.map((v) => (v === null ? "" : String(v))).join(",")).join("\r\n") + "\r\n");
});

test("a live cell runs again by itself and redraws in place when the counts change", async () => {
  const top = cells().nth(2);
  const google = top.locator("[data-testid=mark][data-x=google]");
  const before = Number(await google.getAttribute("data-value"));
  await top.locator("[data-testid=chart]").evaluate((svg) => { svg.dataset.kept = "yes"; });
  await top.locator("[data-action=live]").check();
  writeFileSync(signal, "count-more");
  await page.waitForFunction(
    (want) => document.querySelectorAll("[data-testid=cell]")[2]
      ?.querySelector("[data-testid=mark][data-x=google]")?.dataset.value === String(want),
    before + laterCount,
    { timeout: 10_000 },
  );
  assert.equal(await top.locator("[data-testid=chart]").getAttribute("data-kept"), "yes", "the same chart, redrawn");
  assertDrawnEqualsAnswer(await drawn(top), await apiAnswer(QUERIES[1]), "live top");
});

test("cells reorder and delete", async () => {
  const kinds = () => cells().evaluateAll((cs) => cs.map((c) => c.querySelector("select[data-field=kind]")?.value ?? "markdown"));
  await cells().nth(3).locator("[data-action=up]").click(); // funnel above top
  assert.deepEqual(await kinds(), ["markdown", "counts", "funnel", "top", "sessions", "compare"]);
  await cells().nth(0).locator("[data-action=down]").click();
  await cells().nth(5).locator("[data-action=delete]").click();
  assert.deepEqual(await kinds(), ["counts", "markdown", "funnel", "top", "sessions"]);
});

test("saved with the API token, the notebook reopens from its URL as it was, its cells answering", async () => {
  await page.click("[data-testid=save]");
  await page.waitForURL(/notebook\.html\?id=searches-by-source$/, { timeout: 10_000 });
  assert.deepEqual(prompts, [prompts[0]]);
  assert.match(prompts[0], /API token/);
  const stored = await (await fetch(new URL("/api/notebooks/searches-by-source", url))).json();
  assert.equal(stored.title, "Searches by source");
  assert.deepEqual(stored.cells.map((c) => c.query?.kind ?? c.type), ["counts", "markdown", "funnel", "top", "sessions"]);
  assert.deepEqual(stored.cells[3], { type: "query", query: QUERIES[1], live: true });

  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=cell][data-runs]").length === 4, null, { timeout: 10_000 });
  assert.equal(await page.inputValue("[data-testid=notebook-title]"), "Searches by source");
  assert.equal(await cells().nth(1).locator("[data-testid=markdown] h3").textContent(), "Where searches come from");
  assert.equal(await cells().nth(0).locator("[data-field=event]").inputValue(), event);
  assert.equal(await cells().nth(3).locator("[data-action=live]").isChecked(), true);
  assertDrawnEqualsAnswer(await drawn(cells().nth(0)), await apiAnswer(QUERIES[0]), "reopened counts");
  await page.locator("[data-testid=notebook-list] a[data-id=searches-by-source]").waitFor({ timeout: 5_000 });
});

test("every request stays on this machine", () => {
  assert.ok(browser.requests.length > 0);
  assert.deepEqual(remoteRequests(browser.requests), []);
});

test("the console shows no errors", () => {
  assert.deepEqual(browser.consoleErrors, []);
});

// Last: the starter's history cells answer errors until the server runs history jobs (and, with no
// HBase behind this API, after), which Chromium logs as failed loads.
test("the starter notebook opens with its cells, its live comparison answering", async () => {
  const starter = await (await fetch(new URL("/notebooks/where-do-customers-drop-off.json", url))).json();
  await page.goto(url + "notebook.html?starter=where-do-customers-drop-off");
  await page.locator("[data-testid=cell]").nth(starter.cells.length - 1).waitFor({ timeout: 10_000 });
  assert.equal(await page.inputValue("[data-testid=notebook-title]"), "Where do customers drop off?");
  assert.deepEqual(await cells().evaluateAll((cs) => cs.map((c) => c.dataset.type)), starter.cells.map((c) => c.type));
  const compare = starter.cells.findIndex((c) => c.query?.kind === "compare");
  await page.locator("[data-testid=cell]").nth(compare).locator("xpath=self::*[@data-runs]").waitFor({ timeout: 10_000 });
  assert.equal(await cells().nth(compare).locator("[data-action=live]").isChecked(), true);
  assert.deepEqual(remoteRequests(browser.requests), []);
  await page.screenshot({ path: "/tmp/notebook-starter.png", fullPage: true });
});
