// Drives a funnel's page in a real Chromium against a running API. FunnelPageBrowserTest (query-api)
// defines the funnel through the real PUT, seeds its results in Redis, runs this with the environment
// below, and adds LATER_STEP1 - the seeded step-1 count while the page is open.
//
//   DASHBOARD_URL     the main page, e.g. http://127.0.0.1:4567/
//   FUNNEL_ID         the funnel defined before the page opens
//   STEP_NAMES        JSON array: each step's label as the page shows it
//   EXPECTED_COUNTS   JSON array: the seeded results per step
//   LATER_STEP1       the step-1 count once the later results are in
//   EXPECTED_SOURCES  JSON object: source -> results per step, once the later results are in
//   PROPERTY_DIMENSION    a property in the funnel's breakdown, also recorded (with "page", not in the breakdown)
//   PROPERTY_NONE_COUNTS  JSON [missing, literal]: its step-1 results without a value and with the value "(none)"
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { env, open, remoteRequests } from "./browser.mjs";

const SCREENSHOT = "/tmp/funnel.png";
const LIST_SCREENSHOT = "/tmp/dashboard-funnels.png";

const mainUrl = env("DASHBOARD_URL");
const funnelId = env("FUNNEL_ID");
const stepNames = JSON.parse(env("STEP_NAMES"));
const expectedCounts = JSON.parse(env("EXPECTED_COUNTS"));
const expectedSources = JSON.parse(env("EXPECTED_SOURCES"));
const laterStep1 = Number(env("LATER_STEP1"));
const propertyDimension = env("PROPERTY_DIMENSION");
const [missingCount, literalNoneCount] = JSON.parse(env("PROPERTY_NONE_COUNTS"));

const number = (n) => n.toLocaleString("en-US");
const percent = (part, whole) => ((100 * part) / whole).toFixed(1) + "%";

let browser;
let page;

before(async () => {
  browser = await open(mainUrl);
  page = browser.page;
});

after(async () => {
  await browser?.close();
});

const textsOf = (selector) => page.locator(selector).allTextContents();

async function waitForTexts(selector, expected, timeout = 10_000) {
  await page.waitForFunction(
    ([sel, want]) => JSON.stringify([...document.querySelectorAll(sel)].map((e) => e.textContent)) === JSON.stringify(want),
    [selector, expected],
    { timeout },
  ).catch(async (error) => {
    assert.deepEqual(await textsOf(selector), expected, `${selector} (${error.message})`);
  });
}

test("the main page lists the funnel and links to its page", async () => {
  const link = page.locator(`[data-testid=funnel-link][data-funnel="${funnelId}"]`);
  await link.waitFor({ timeout: 10_000 });
  assert.match(await link.textContent(), /page_view → search → register → checkout/);
  await page.screenshot({ path: LIST_SCREENSHOT, fullPage: true });
  await link.click();
  await page.waitForURL(new RegExp(`/funnel\\.html\\?id=${funnelId}$`));
});

test("the step bars show the seeded counts and both conversions", async () => {
  await waitForTexts("[data-testid=step-name]", stepNames);
  await waitForTexts("[data-testid=step-count]", expectedCounts.map(number));
  assert.deepEqual(await textsOf("[data-testid=step-conversion]"), expectedCounts.map((c) => percent(c, expectedCounts[0])));
  assert.deepEqual(
    await textsOf("[data-testid=step-previous]"),
    expectedCounts.map((c, j) => percent(c, j === 0 ? c : expectedCounts[j - 1])),
  );
});

test("the flow diagram draws a node per step, the leavers, and links between them", async () => {
  await page.locator("[data-testid=sankey] [data-node=step-1] rect").waitFor({ timeout: 10_000 });
  const labels = await textsOf("[data-testid=sankey] [data-testid=sankey-node] text.label");
  for (let j = 0; j < stepNames.length; j++) {
    assert.ok(labels.includes(`${j + 1} · ${stepNames[j]}`), `a node for step ${j + 1} in ${JSON.stringify(labels)}`);
  }
  assert.ok(labels.includes("Left after step 1"), `a node for those leaving after step 1 in ${JSON.stringify(labels)}`);
  assert.ok(labels.includes("In progress") && labels.includes("Dropped"), `in progress and dropped in ${JSON.stringify(labels)}`);
  const links = await page.locator("[data-testid=sankey] path[data-testid=sankey-link]").count();
  assert.ok(links >= 2 * (stepNames.length - 1), `links between the steps and to the leavers, got ${links}`);
  const height = await page.locator("[data-testid=sankey] [data-node=step-1] rect").getAttribute("height");
  assert.ok(Number(height) > 10, "the first step's node has a visible height");
});

test("the conversion trend draws a line per later step", async () => {
  await page.locator("[data-testid=trend] path[data-testid=trend-line]").first().waitFor({ timeout: 10_000 });
  assert.equal(await page.locator("[data-testid=trend] path[data-testid=trend-line]").count(), stepNames.length - 1);
  const d = await page.locator("[data-testid=trend] path[data-testid=trend-line]").first().getAttribute("d");
  assert.ok(d && d.length > 20, "the line has points");
});

test("results added later appear without reloading the page", async () => {
  await page.waitForFunction(
    (want) => document.querySelector("[data-testid=step-row][data-step='1'] [data-testid=step-count]")?.textContent === want,
    number(laterStep1),
    { timeout: 25_000 },
  );
});

test("switching the breakdown to source shows each source's counts", async () => {
  await page.selectOption("[data-testid=breakdown-select]", "source");
  for (const [source, counts] of Object.entries(expectedSources)) {
    await waitForTexts(`[data-testid=breakdown-row][data-key="${source}"] [data-testid=breakdown-count]`, counts.map(number));
  }
  const keys = await page.locator("[data-testid=breakdown-row]").evaluateAll((rows) => rows.map((r) => r.dataset.key));
  assert.deepEqual(new Set(keys), new Set(Object.keys(expectedSources)));
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
});

test("the last 24 hours show the same results, with an hourly trend", async () => {
  const step1 = await page.textContent("[data-testid=step-row][data-step='1'] [data-testid=step-count]");
  await page.selectOption("[data-testid=view-range]", "24h");
  await page.waitForFunction(() => /per hour/.test(document.querySelector("[data-testid=trend-hint]")?.textContent));
  await page.waitForFunction(() => /24 h/.test(document.querySelector("[data-testid=kpi-started] .label")?.textContent));
  assert.equal(await page.textContent("[data-testid=step-row][data-step='1'] [data-testid=step-count]"), step1);
  assert.equal(await page.locator("[data-testid=breakdown-row]").count(), Object.keys(expectedSources).length);
});

test("the breakdown offers a property dimension; a missing value and a literal (none) are shown apart", async () => {
  const options = await page.locator("[data-testid=breakdown-select] option").evaluateAll(
    (os) => os.map((o) => `${o.value}${o.disabled ? " (disabled)" : ""}`));
  assert.deepEqual(options, ["", "source", "partner", "campaign", propertyDimension, "page (disabled)"]);
  await page.selectOption("[data-testid=breakdown-select]", propertyDimension);
  for (const [missing, count] of [["true", missingCount], ["false", literalNoneCount]]) {
    await waitForTexts(`[data-testid=breakdown-row][data-key="(none)"][data-missing=${missing}] [data-testid=breakdown-count]`,
      [number(count), "0", "0", "0"]);
  }
  const styled = await page.locator("[data-testid=breakdown-key]").evaluateAll(
    (keys) => keys.map((k) => [k.textContent, k.classList.contains("missing")]));
  assert.deepEqual(styled, [["(none)", true], ["(none)", false]]);
});

test("a custom range, a breakdown and the comparison are kept in the URL, survive a reload, and show the API's numbers", async () => {
  // Minutes the seeded half hour holds, ended before the results added later.
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  const from = new Date(minute - 20 * 60_000).toISOString();
  const to = new Date(minute - 5 * 60_000).toISOString();
  const local = (iso) => page.evaluate((t) => {
    const d = new Date(t);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  }, iso);
  await page.selectOption("[data-testid=view-range]", "custom");
  await page.fill("[data-testid=view-from]", await local(from));
  await page.fill("[data-testid=view-to]", await local(to));
  await page.selectOption("[data-testid=view-step]", "minute");
  await page.selectOption("[data-testid=view-tz]", "Europe/Berlin");
  await page.selectOption("[data-testid=breakdown-select]", "source");
  await page.check("[data-testid=view-compare]");
  const view = { id: funnelId, range: "custom", from, to, step: "minute", tz: "Europe/Berlin", by: "source", compare: "previous" };
  assert.deepEqual(Object.fromEntries(new URL(page.url()).searchParams), view);

  await page.reload();
  const api = async (params) => (await fetch(new URL(`/api/funnels/${funnelId}/results?${new URLSearchParams({ from, to, ...params })}`, mainUrl))).json();
  const [totals, bySource] = await Promise.all([api({ compare: "previous" }), api({ by: "source" })]);
  await waitForTexts("[data-testid=step-count]", totals.steps.map((s) => number(s.count)));
  assert.ok(totals.steps[0].count > 0 && totals.steps[0].count < expectedCounts[0], "a part of the seeded results");
  const previous = await page.locator("[data-testid=step-compare]").evaluateAll((es) => es.map((e) => Number(e.dataset.previous)));
  assert.deepEqual(previous, totals.compare.rows.map((r) => r.previous));
  for (const row of bySource.breakdown) {
    await waitForTexts(`[data-testid=breakdown-row][data-key="${row.key}"] [data-testid=breakdown-count]`, row.counts.map(number));
  }
  assert.deepEqual(Object.fromEntries(new URL(page.url()).searchParams), view);
  const controls = await page.evaluate(() => ["range", "step", "tz"].map((n) => document.querySelector(`[data-testid=view-${n}]`).value)
    .concat(document.querySelector("[data-testid=breakdown-select]").value, document.querySelector("[data-testid=view-compare]").checked));
  assert.deepEqual(controls, ["custom", "minute", "Europe/Berlin", "source", true]);
  assert.equal(await page.inputValue("[data-testid=view-from]"), await local(from));
  const trend = browser.requests.filter((r) => r.includes("step=minute")).at(-1);
  assert.deepEqual([...["from", "to", "tz"].map((n) => new URL(trend).searchParams.get(n))], [from, to, "Europe/Berlin"]);
  await page.screenshot({ path: "/tmp/funnel-custom.png", fullPage: true });
});

test("every request stays on this machine", () => {
  assert.ok(browser.requests.length > 0);
  assert.deepEqual(remoteRequests(browser.requests), []);
});

test("the console shows no errors", () => {
  assert.deepEqual(browser.consoleErrors, []);
});
