// The dashboard's notebook on a real demo's data (issue 12): DemoOnStormTest (runners/launcher) starts
// `./analytics demo --runner=StormRunner`, feeds it with `./analytics generate`, asks every kind of query
// with `./analytics notebook --execute`, stores a notebook of those queries through the API, and runs
// this with:
//
//   DASHBOARD_URL  the demo's dashboard, e.g. http://127.0.0.1:4567/
//   NOTEBOOK_ID    that notebook's id: a query cell of each kind
//   ANSWERS        a JSON file: by kind, the demo API's answer to that cell's query (POST /api/query; a
//                  history kind's: its job's result), as the script got it. Not asked again here: a
//                  history job on Storm takes seconds, and the demo runs two at once.
//   STARTER_ID     the starter notebook the demo stores ("Where do customers drop off?")
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { env, open, remoteRequests } from "./browser.mjs";
import { tableRows } from "./notebook-page.mjs";

const url = env("DASHBOARD_URL");
const notebookId = env("NOTEBOOK_ID");
const answers = JSON.parse(readFileSync(env("ANSWERS"), "utf8"));
const starterId = env("STARTER_ID");
/** A history job on Storm takes seconds; the starter's four are not cached. */
const SETTLED_MS = 90_000;

let browser;
let page;

before(async () => {
  browser = await open(`${url}notebook.html?id=${encodeURIComponent(notebookId)}`);
  page = browser.page;
});

after(async () => {
  await browser?.close();
});

const queryCells = () => page.locator("[data-testid=cell][data-type=query]");

/**
 * Waits until every query cell of the page has answered `runs` times or failed: the page runs a
 * notebook's cells as it opens it, and a history cell polls its job until it is done.
 */
async function awaitAnswers(runs) {
  await page.waitForFunction(
    (n) => {
      const cells = [...document.querySelectorAll("[data-testid=cell][data-type=query]")];
      return cells.length > 0 && cells.every((c) => c.dataset.state === "error" || Number(c.dataset.runs ?? 0) >= n);
    },
    runs,
    { timeout: SETTLED_MS },
  );
}

/** Each query cell's failure, if any: the status the cell shows. */
async function failures() {
  return queryCells().evaluateAll((cells) => cells.filter((c) => c.dataset.state === "error")
    .map((c) => `${c.querySelector("[data-field=kind]")?.value}: ${c.querySelector("[data-testid=cell-status]").textContent}`));
}

async function stored(id) {
  const response = await fetch(new URL(`/api/notebooks/${encodeURIComponent(id)}`, url));
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
}

// The page runs a notebook's cells as it opens it (the code of each cell's Run button): no "Run all"
// after that, which would run the history jobs on Storm again.
test("a notebook of every kind opens from its URL, runs, and each cell shows the demo API's answer", async () => {
  const notebook = await stored(notebookId);
  await awaitAnswers(1);
  assert.deepEqual(await failures(), []);
  const cells = await queryCells().all();
  assert.deepEqual(notebook.cells.map((c) => c.query.kind).sort(), Object.keys(answers).sort());
  assert.equal(cells.length, notebook.cells.length);
  for (const [i, cell] of cells.entries()) {
    const { kind } = notebook.cells[i].query;
    assert.ok(answers[kind].rows.length > 0, `${kind}: the demo's data answers something`);
    assert.deepEqual(await tableRows(cell), answers[kind].rows, `${kind}: the table shows the API's rows`);
  }
  await page.screenshot({ path: "/tmp/demo-notebook.png", fullPage: true });
});

test("the starter notebook the demo stores opens, and every cell answers on the demo's data", async () => {
  const starter = await stored(starterId);
  await page.goto(`${url}notebook.html?id=${encodeURIComponent(starterId)}`);
  await page.locator("[data-testid=cell]").nth(starter.cells.length - 1).waitFor({ timeout: 10_000 });
  await awaitAnswers(1);
  assert.deepEqual(await failures(), []);
  assert.equal(await queryCells().count(), starter.cells.filter((c) => c.type === "query").length);
  await page.screenshot({ path: "/tmp/demo-notebook-starter.png", fullPage: true });
});

test("every request stays on this machine, and the console shows no errors", () => {
  assert.ok(browser.requests.length > 0);
  assert.deepEqual(remoteRequests(browser.requests), []);
  assert.deepEqual(browser.consoleErrors, []);
});
