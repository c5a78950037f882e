// What the notebook page's browser tests share: the API's answer to a query, as the page gets it, and
// what a cell's table shows.
import assert from "node:assert/strict";

/**
 * The answer of the API at `url` to `query` (POST /api/query): a live kind's at once (200), a history
 * kind's job (202) polled until it is done.
 */
export async function queryAnswer(url, query) {
  const response = await fetch(new URL("/api/query", url), {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(query),
  });
  assert.ok([200, 202].includes(response.status), `${response.status}: ${await response.clone().text()}`);
  const body = await response.json();
  if (response.status === 200) return body;
  for (;;) {
    const job = await (await fetch(new URL(body.status_url, url))).json();
    if (job.status === "done") return job.result;
    assert.ok(["queued", "running"].includes(job.status), JSON.stringify(job));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The rows a cell's table view shows, as values (each td keeps its value as JSON). */
export function tableRows(cell) {
  return cell.locator("[data-testid=result-table] tbody tr").evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((td) => JSON.parse(td.dataset.value))));
}
