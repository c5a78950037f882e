// Writes (PUT and DELETE of a notebook) need the API token (docs/api.md, "Writing"): the page asks for it
// before its first write, keeps it in this tab's sessionStorage as the read token is kept (read-token.js),
// and asks again when a write answers 401. It goes in the Authorization header of writes only.
"use strict";

const API_TOKEN_KEY = "clickstream.apiToken";

/** Sends a write with the API token; resolves to the Response (a 401 after three wrong tokens). */
async function apiWrite(path, method, body) {
  for (let tries = 0; ; tries++) {
    const token = sessionStorage.getItem(API_TOKEN_KEY) ?? askForApiToken(false);
    if (token === null) throw new Error("saving needs the API token (--api-token): none was given");
    const headers = { Authorization: `Bearer ${token}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status !== 401 || tries >= 2) return response;
    sessionStorage.removeItem(API_TOKEN_KEY);
    if (askForApiToken(true) === null) return response;
  }
}

function askForApiToken(wrong) {
  const given = window.prompt(wrong ? "Wrong API token. API token:" : "Saving needs the API token (--api-token, printed by ./analytics demo):");
  if (!given || !given.trim()) return null;
  sessionStorage.setItem(API_TOKEN_KEY, given.trim());
  return given.trim();
}
