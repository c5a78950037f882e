// What every browser test of the dashboard shares: a headless Chromium with a throw-away profile, and a
// record of the page's requests and console errors (to check that it stays local and error-free).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost"]);

/** The value of an environment variable the Java side must set. */
export function env(name) {
  const value = process.env[name];
  assert.ok(value, `set ${name}: this test is normally run by its *BrowserTest class in query-api`);
  return value;
}

/**
 * Opens `url` in a fresh Chromium; returns { page, requests, consoleErrors, close }. `onDialog`, if given,
 * answers the page's dialogs (prompt, alert) from the first one on, page load included.
 */
export async function open(url, { onDialog } = {}) {
  const profile = mkdtempSync(join(tmpdir(), "dashboard-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const requests = [];
  const consoleErrors = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  page.on("pageerror", (error) => consoleErrors.push(String(error)));
  if (onDialog) page.on("dialog", onDialog);
  await page.goto(url);
  return {
    page,
    requests,
    consoleErrors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The requests that left this machine (none is the only right answer). */
export function remoteRequests(requests) {
  return requests.filter((r) => !r.startsWith("data:") && !LOCAL_HOSTS.has(new URL(r).hostname));
}
