// Drives the dashboard in a real Chromium against a running API. DashboardBrowserTest (query-api) starts
// the API on seeded Redis, runs this with the environment below, and adds NEW_EVENT a few seconds later.
//
//   DASHBOARD_URL   the dashboard, e.g. http://127.0.0.1:4567/
//   SEEDED_EVENT    an event present from the start, with catalog total SEEDED_TOTAL
//   NEW_EVENT       an event that appears only while the page is open
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOT = "/tmp/dashboard.png";
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost"]);

const env = (name) => {
  const value = process.env[name];
  assert.ok(value, `set ${name}: this test is normally run by DashboardBrowserTest`);
  return value;
};
const url = env("DASHBOARD_URL");
const seededEvent = env("SEEDED_EVENT");
const seededTotal = Number(env("SEEDED_TOTAL")).toLocaleString("en-US");
const newEvent = env("NEW_EVENT");

let profile;
let context;
let page;
const requests = [];
const consoleErrors = [];

before(async () => {
  profile = mkdtempSync(join(tmpdir(), "dashboard-chromium-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  await page.goto(url);
});

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
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
  assert.ok(requests.length > 0);
  const remote = requests.filter((r) => !r.startsWith("data:") && !LOCAL_HOSTS.has(new URL(r).hostname));
  assert.deepEqual(remote, []);
});

test("the console shows no errors", () => {
  assert.deepEqual(consoleErrors, []);
});
