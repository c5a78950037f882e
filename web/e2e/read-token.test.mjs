// The dashboard of an API started with a read token, in a real Chromium. ReadTokenBrowserTest (query-api)
// starts the API with READ_TOKEN on Redis seeded with SEEDED_EVENT and runs this with:
//
//   DASHBOARD_URL   the dashboard, e.g. http://127.0.0.1:4567/
//   READ_TOKEN      the API's read token
//   SEEDED_EVENT    an event the dashboard shows a chart for once it may read
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { env, open, remoteRequests } from "./browser.mjs";

const url = env("DASHBOARD_URL");
const readToken = env("READ_TOKEN");
const seededEvent = env("SEEDED_EVENT");

let browser;
let page;
const prompts = [];

before(async () => {
  browser = await open(url, {
    onDialog: async (dialog) => {
      prompts.push(dialog.message());
      await dialog.accept(readToken);
    },
  });
  page = browser.page;
});

after(async () => {
  await browser?.close();
});

const card = (name) => page.locator(`[data-testid=event-card][data-event="${name}"]`);

// Waits for the seeded event's chart; on a timeout says what the page asked and shows.
async function awaitCard() {
  try {
    await card(seededEvent).waitFor({ timeout: 20_000 });
  } catch (error) {
    const status = await page.locator("[data-testid=overall-status]").textContent();
    throw new Error(`${error.message}\nprompts: ${JSON.stringify(prompts)}; status: ${status}`);
  }
}

test("asks for the read token once and then shows the counts", async () => {
  await awaitCard();
  assert.equal(prompts.length, 1, `asked ${prompts.length} times: ${prompts.join(" | ")}`);
  assert.match(prompts[0], /read token/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem("clickstream.readToken")), readToken);
});

test("keeps the token for the tab: a reload asks no more", async () => {
  await page.reload();
  await awaitCard();
  await page.waitForTimeout(2_500); // two more polls
  assert.equal(prompts.length, 1);
});

test("stays local and error-free apart from the first reads' 401s", async () => {
  assert.deepEqual(remoteRequests(browser.requests), []);
  // Chromium logs each refused read ("Failed to load resource: ... 401") before the page asks.
  assert.deepEqual(browser.consoleErrors.filter((e) => !e.includes("401")), []);
});
