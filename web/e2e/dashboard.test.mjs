// Drives the dashboard in a real Chromium against a running API. DashboardBrowserTest (query-api) starts
// the API on seeded Redis, runs this with the environment below, and adds NEW_EVENT a few seconds later.
//
//   DASHBOARD_URL   the dashboard, e.g. http://127.0.0.1:4567/
//   SEEDED_EVENT    an event present from the start, with catalog total SEEDED_TOTAL
//   NEW_EVENT       an event that appears only while the page is open
//   PIPELINE_PHASE  a file this test writes to tell the Java side how far behind to play the pipeline's
//                   read: "behind" (120 s), "halfway" (60 s) or "caught-up"; no read positions until then
//   PROPERTY_DIMENSION  a recorded property dimension; SEEDED_EVENT has counts by it for a missing value and
//   PROPERTY_VALUES     these values (JSON array; a literal "(none)" among them)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { env, open, remoteRequests } from "./browser.mjs";

const SCREENSHOT = "/tmp/dashboard.png";

const url = env("DASHBOARD_URL");
const seededEvent = env("SEEDED_EVENT");
const seededTotal = Number(env("SEEDED_TOTAL")).toLocaleString("en-US");
const newEvent = env("NEW_EVENT");
const pipelinePhase = env("PIPELINE_PHASE");
const propertyDimension = env("PROPERTY_DIMENSION");
const propertyValues = JSON.parse(env("PROPERTY_VALUES"));

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

const catchUpText = () => page.textContent("[data-testid=catch-up-text]");
const catchUpProgress = () => page.$eval("[data-testid=catch-up-progress]", (p) => p.value);
const catchUpHidden = () => page.$eval("[data-testid=catch-up]", (bar) => bar.hidden);

async function waitForCatchUpText(pattern) {
  await page.waitForFunction(
    (source) => new RegExp(source).test(document.querySelector("[data-testid=catch-up-text]")?.textContent ?? ""),
    pattern.source,
    { timeout: 10_000 },
  ).catch(async (error) => {
    throw new Error(`catch-up text "${await catchUpText()}" never matched ${pattern}: ${error.message}`);
  });
}

test("no catch-up bar while no read position is known", async () => {
  assert.equal(await catchUpHidden(), true);
});

test("a catch-up bar shows how far behind the read is while it catches up", async () => {
  // The Java side now records positions 120 s behind, at 40 events per second of writes.
  writeFileSync(pipelinePhase, "behind");
  await page.locator("[data-testid=catch-up]").waitFor({ state: "visible", timeout: 10_000 });
  await waitForCatchUpText(/^Catching up: 2 min of writes behind \(~4,[89]\d\d events\)$/);
  assert.ok((await catchUpProgress()) < 0.05, "nothing of the backlog read yet");
  assert.equal(await page.getAttribute("[data-testid=catch-up-progress]", "aria-labelledby"), "catch-up-text");

  writeFileSync(pipelinePhase, "halfway");
  await waitForCatchUpText(/^Catching up: 6[0-2] s of writes behind \(~2,4\d\d events\)$/);
  const progress = await catchUpProgress();
  assert.ok(progress > 0.4 && progress < 0.6, `half the backlog read, progress ${progress}`);
});

test("the catch-up bar goes once the read has caught up", async () => {
  writeFileSync(pipelinePhase, "caught-up");
  await page.locator("[data-testid=catch-up]").waitFor({ state: "hidden", timeout: 10_000 });
});

test("the breakdown selector offers a recorded property dimension; its values show as text, missing apart", async () => {
  const options = await page.locator("[data-testid=breakdown-select] option").evaluateAll((os) => os.map((o) => o.value));
  assert.deepEqual(options, ["campaign", "partner", propertyDimension, "source"]);
  await page.selectOption("[data-testid=breakdown-select]", propertyDimension);
  const rows = card(seededEvent).locator("[data-testid=legend-row]");
  await page.waitForFunction(
    ([name, want]) => {
      const keys = [...document.querySelectorAll(`[data-event="${name}"] [data-testid=legend-row]`)].map((r) => r.dataset.key);
      return keys.length === want.length + 1 && want.every((k) => keys.includes(k));
    },
    [seededEvent, propertyValues],
    { timeout: 10_000 },
  );
  const shown = await rows.evaluateAll((trs) => trs.map((tr) => {
    const value = tr.querySelector("[data-testid=legend-value]");
    return { key: tr.dataset.key, missing: tr.dataset.missing, text: value.textContent, title: value.title,
      styled: value.classList.contains("missing"), cut: value.scrollWidth > value.clientWidth };
  }));
  const missing = shown.filter((r) => r.missing === "true");
  assert.deepEqual(missing.map((r) => [r.key, r.text, r.styled]), [["(none)", "(none)", true]]);
  const values = shown.filter((r) => r.missing === "false");
  assert.deepEqual(values.map((r) => r.text).sort(), [...propertyValues].sort());
  assert.ok(values.every((r) => !r.styled && r.title === r.text), "a literal (none) is a normal value, titled in full");
  assert.ok(values.find((r) => r.text.length > 300).cut, "the long value is cut to the legend's width");
  assert.equal(await card(seededEvent).locator("[data-testid=legend] b").count(), 0, "HTML-like values are text");
  assert.equal(await page.textContent("[data-testid=breakdown-name]"), propertyDimension);
});

test("every request stays on this machine", () => {
  assert.ok(browser.requests.length > 0);
  assert.deepEqual(remoteRequests(browser.requests), []);
});

test("the console shows no errors", () => {
  assert.deepEqual(browser.consoleErrors, []);
});
