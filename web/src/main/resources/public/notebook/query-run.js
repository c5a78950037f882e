// Runs one query of POST /api/query (docs/notebook.md). A live kind answers at once (200); a history kind
// answers 202 with a job, followed here through GET /api/query/{job} until it is done, failed or
// cancelled (docs/notebook.md, "History jobs"). Aborting the signal cancels the job: DELETE on it.

const POLL_MS = 500;

/** A query the server refused or could not finish: `field` names what to fix, as the API's 4xx body does. */
export class QueryError extends Error {
  constructor(body, status) {
    super(body?.error ?? `HTTP ${status}`);
    this.status = status;
  }
}

/**
 * Resolves to the answer ({columns, rows, chart, meta, took_ms, source}). `onProgress` gets each poll's
 * job status ({status, progress: {rows_read, fraction}}) while a history job runs.
 */
export async function runQuery(query, { signal, onProgress = () => {} } = {}) {
  const response = await apiFetch("/api/query", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(query),
    signal,
  });
  const body = await response.json();
  if (response.status === 202) return followJob(body, signal, onProgress);
  if (!response.ok) throw new QueryError(body, response.status);
  return body;
}

async function followJob(submitted, signal, onProgress) {
  const url = submitted.status_url ?? `/api/query/${encodeURIComponent(submitted.job)}`;
  onProgress(submitted);
  try {
    for (;;) {
      const response = await apiFetch(url, { signal });
      const job = await response.json();
      if (!response.ok) throw new QueryError(job, response.status);
      if (job.status === "done") return job.result;
      if (job.status === "failed") throw new QueryError(job.error, 400);
      if (job.status === "cancelled") throw new QueryError({ error: "cancelled" }, 499);
      onProgress(job);
      await wait(POLL_MS, signal);
    }
  } catch (error) {
    // The asker gave up: the server need not read on. Not awaited by the caller's signal, which is spent.
    if (signal?.aborted) await apiFetch(url, { method: "DELETE" }).catch(() => {});
    throw error;
  }
}

function wait(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });
}

/** Whether a kind is answered by a history job (202) rather than at once from the live aggregates. */
export const HISTORY_KINDS = new Set(["funnel_preview", "paths", "time_to_convert", "timeline", "sample"]);
