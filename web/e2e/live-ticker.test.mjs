// The dashboard's live ticker and its link to the API's description, in a real Chromium. LiveTickerBrowserTest
// (query-api) starts the API and, while this runs, adds an entry "tick-N" (user "user-N") to the live
// stream every 200 ms, as the pipeline does when it counts events; it runs this with:
//
//   DASHBOARD_URL   the dashboard, e.g. http://127.0.0.1:4567/
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { env, open, remoteRequests } from "./browser.mjs";

const url = env("DASHBOARD_URL");

let browser;
let page;

before(async () => {
  browser = await open(url);
  page = browser.page;
});

after(async () => {
  await browser?.close();
});

const events = () => page.locator("[data-testid=live-event] b").allTextContents();

test("shows the events as they are counted, newest first, a few at a time", async () => {
  await page.locator("[data-testid=live-event]").first().waitFor({ timeout: 20_000 });
  const first = await events();
  // Later entries come in while the page is open: the newest moves on.
  await page.waitForFunction(
    (shown) => document.querySelector("[data-testid=live-event] b")?.textContent !== shown,
    first[0],
    { timeout: 10_000 },
  );
  const shown = await events();
  assert.ok(shown.length <= 8, `at most 8 shown, got ${shown.length}`);
  const numbers = shown.map((name) => Number(name.replace("tick-", "")));
  assert.deepEqual([...numbers].sort((a, b) => b - a), numbers, `newest first: ${shown}`);
  assert.equal(new Set(numbers).size, numbers.length, `no entry twice: ${shown}`);
  assert.match(await page.locator("[data-testid=live-ticker-status]").textContent(), /^Live/);
});

test("links to the OpenAPI document, which the API serves", async () => {
  const href = await page.locator("[data-testid=openapi-link]").getAttribute("href");
  assert.equal(href, "/api/openapi.json");
  const document = await page.evaluate(async (path) => (await fetch(path)).json(), href);
  assert.equal(document.openapi, "3.1.0");
  assert.ok(document.paths["/api/stream"]);
});

test("stays local and error-free", async () => {
  assert.deepEqual(remoteRequests(browser.requests), []);
  assert.deepEqual(browser.consoleErrors, []);
});
