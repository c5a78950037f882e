// Drives the dashboard in a real Chromium against a running API. DashboardBrowserTest (query-api) starts
// the API on seeded Redis, runs this with the environment below, and adds NEW_EVENT a few seconds later.
//
//   DASHBOARD_URL   the dashboard, e.g. http://127.0.0.1:4567/
//   SEEDED_EVENT    an event present from the start, with catalog total SEEDED_TOTAL
//   NEW_EVENT       an event that appears only while the page is open
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { env, open, remoteRequests } from "./browser.mjs";

const SCREENSHOT = "/tmp/dashboard.png";

const url = env("DASHBOARD_URL");
const seededEvent = env("SEEDED_EVENT");
const seededTotal = Number(env("SEEDED_TOTAL")).toLocaleString("en-US");
const newEvent = env("NEW_EVENT");

let browser;
let page;

before(async () => {
  browser = await open(url);
  page = browser.page;
});

after(async () => {
  await browser?.close();
});

const card = (name) => page.locator(`[data-testid=event-card][data-event="${name}"]`);

test("renders a chart for a seeded event with its catalog total", async () => {
  await card(seededEvent).locator("[data-testid=chart] rect").first().waitFor({ timeout: 10_000 });
  await page.waitForFunction(
    ([name, total]) =>
      document.querySelector(`[data-testid=event-card][data-event="${name}"] [data-testid=event-total]`)
        ?.textContent === total,
    [seededEvent, seededTotal],
    { timeout: 10_000 },
  );
  assert.ok((await card(seededEvent).locator("[data-testid=legend] tr").count()) > 0, "a source legend");
});

test("shows pipeline health in the header", async () => {
  await page.waitForFunction(
    () => document.querySelector("[data-testid=pipeline-status]")?.textContent === "running",
    null,
    { timeout: 10_000 },
  );
  assert.match(await page.textContent("[data-testid=watermark]"), /behind/);
  assert.equal(await page.textContent("[data-testid=dead-letters]"), "0");
});

test("a new event appears without reloading the page", async () => {
  await card(newEvent).waitFor({ timeout: 15_000 });
  // Give the charts a moment to draw the new event before the picture is taken.
  await card(newEvent).locator("[data-testid=chart] rect").first().waitFor({ timeout: 5_000 });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
});

test("every request stays on this machine", () => {
  assert.ok(browser.requests.length > 0);
  assert.deepEqual(remoteRequests(browser.requests), []);
});

test("the console shows no errors", () => {
  assert.deepEqual(browser.consoleErrors, []);
});
