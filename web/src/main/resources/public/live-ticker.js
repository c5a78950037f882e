// The live event ticker: the newest events as the pipeline counts them, from GET /api/stream (Server-Sent
// Events; docs/api.md, "/api/stream"). Read with fetch through apiFetch (read-token.js) rather than an
// EventSource, which cannot send the read token an API started with --read-token asks for. On an end or
// an error it connects again after a pause; entries already shown (by their stream id) are not repeated.
"use strict";

(() => {
  const SHOWN = 8;
  const PAUSE_MS = 2_000;
  const style = document.createElement("style");
  style.textContent = `
    .live-ticker { display: flex; gap: 0.75rem; align-items: baseline; padding: 0.35rem 1.5rem;
      font-size: 0.8rem; color: var(--muted, #666); overflow: hidden; white-space: nowrap; }
    .live-ticker ol { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
    .live-ticker li b { font-weight: 600; color: var(--text, inherit); }`;
  document.head.append(style);
  const ticker = document.createElement("section");
  ticker.className = "live-ticker";
  ticker.dataset.testid = "live-ticker";
  ticker.setAttribute("aria-label", "Live events");
  const status = document.createElement("span");
  status.dataset.testid = "live-ticker-status";
  status.textContent = "Live: connecting…";
  const list = document.createElement("ol");
  list.dataset.testid = "live-ticker-events";
  ticker.append(status, list);
  document.querySelector("header").after(ticker);

  let lastId = null;

  // Stream ids are "<ms>-<seq>": later ones compare greater as pairs of numbers.
  const after = (id, than) => {
    if (than === null) return true;
    const [a, b] = id.split("-").map(Number);
    const [c, d] = than.split("-").map(Number);
    return a > c || (a === c && b > d);
  };

  function show(id, data) {
    if (!after(id, lastId)) return;
    lastId = id;
    const e = JSON.parse(data);
    const item = document.createElement("li");
    item.dataset.testid = "live-event";
    const name = document.createElement("b");
    name.textContent = e.event;
    item.append(name, ` ${e.user} · ${new Date(e.ts).toLocaleTimeString()}`);
    list.prepend(item);
    while (list.children.length > SHOWN) list.lastElementChild.remove();
  }

  // One SSE message: its "id:" and "data:" lines (comments, retry and the event name need nothing).
  function message(text) {
    let id = null;
    let data = null;
    for (const line of text.split("\n")) {
      if (line.startsWith("id: ")) id = line.slice(4);
      else if (line.startsWith("data: ")) data = line.slice(6);
    }
    if (id !== null && data !== null) show(id, data);
  }

  async function follow() {
    const response = await apiFetch("/api/stream");
    if (!response.ok || !response.body) {
      status.textContent = `Live: unavailable (${response.status})`;
      return;
    }
    status.textContent = "Live";
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let pending = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      pending += value;
      let end;
      while ((end = pending.indexOf("\n\n")) >= 0) {
        message(pending.slice(0, end));
        pending = pending.slice(end + 2);
      }
    }
    status.textContent = "Live: reconnecting…";
  }

  async function run() {
    for (;;) {
      try {
        await follow();
      } catch (error) {
        status.textContent = "Live: reconnecting…";
      }
      // A busy or stopped server, or one that needs the read token: try again, without hurrying it.
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }

  run();
})();
