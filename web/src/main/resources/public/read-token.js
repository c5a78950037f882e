// The read token of an API started with --read-token (docs/api.md, "Exposing the API"): the page asks for
// it when a read answers 401, keeps it in this tab's sessionStorage (gone with the tab, never in a URL or
// a cookie) and sends it as a bearer token with every read. Without a read token nothing is asked.
"use strict";

const READ_TOKEN_KEY = "clickstream.readToken";
// Cancelled once: ask no more until the page is loaded again, rather than every poll.
let readTokenDeclined = false;

// `init`: fetch's options for a request besides a plain GET (the notebook's POST /api/query, say).
async function apiFetch(path, init = {}) {
  for (let tries = 0; ; tries++) {
    const sent = sessionStorage.getItem(READ_TOKEN_KEY);
    const headers = { ...init.headers, ...(sent ? { Authorization: `Bearer ${sent}` } : {}) };
    const response = await fetch(path, { cache: "no-store", ...init, headers });
    if (response.status !== 401 || readTokenDeclined || tries >= 3) return response;
    // Requests polled together all come back 401; prompt() blocks, so only the first asks and the
    // others find the new token stored and try again with it.
    if (sessionStorage.getItem(READ_TOKEN_KEY) === sent) askForReadToken(sent !== null);
  }
}

function askForReadToken(wrong) {
  const given = window.prompt(wrong ? "Wrong read token. Read token:" : "This API needs its read token (--read-token):");
  if (given && given.trim()) sessionStorage.setItem(READ_TOKEN_KEY, given.trim());
  else readTokenDeclined = true;
}
