// The REST calls the scenarios make, through the deployment's entry point exactly as the web app
// does: /api/auth/…, /api/chat/…, /api/archive/… (the entry strips the prefix).
//
// Two kinds of call:
// - measured ones return the k6 response, tagged `op` (and `name`, so URLs with ids and cursors
//   aggregate into one series); the scenario checks them and thresholds read their tags;
// - data set-up ones (`setup*`) retry what a busy target answers (429 with Retry-After, 503,
//   connection errors) a bounded number of times and throw on anything else, so a run never
//   measures a half-prepared data set.
import http from 'k6/http';
import { sleep } from 'k6';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

const bearer = (token) => ({ Authorization: `Bearer ${token}` });

function params(name, op, tags = {}, headers = {}) {
  return { headers: { ...JSON_HEADERS, ...headers }, tags: { name, op, ...tags } };
}

export const auth = {
  register: (baseUrl, username, password, tags) =>
    http.post(
      `${baseUrl}/api/auth/register`,
      JSON.stringify({ username, password }),
      params('POST /api/auth/register', 'register', tags),
    ),
  login: (baseUrl, username, password, tags) =>
    http.post(
      `${baseUrl}/api/auth/login`,
      JSON.stringify({ username, password }),
      params('POST /api/auth/login', 'login', tags),
    ),
  refresh: (baseUrl, refreshToken, tags) =>
    http.post(
      `${baseUrl}/api/auth/refresh`,
      JSON.stringify({ refreshToken }),
      params('POST /api/auth/refresh', 'refresh', tags),
    ),
};

export const chat = {
  rooms: (baseUrl, token, tags) =>
    http.get(
      `${baseUrl}/api/chat/rooms`,
      params('GET /api/chat/rooms', 'rooms', tags, bearer(token)),
    ),
  room: (baseUrl, token, roomId, tags) =>
    http.get(
      `${baseUrl}/api/chat/rooms/${roomId}`,
      params('GET /api/chat/rooms/:id', 'room', tags, bearer(token)),
    ),
  /** One page of history, newest first; `before` is the previous page's nextCursor. */
  history: (baseUrl, token, roomId, before, limit, tags) =>
    http.get(
      `${baseUrl}/api/chat/rooms/${roomId}/messages?limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ''}`,
      params('GET /api/chat/rooms/:id/messages', 'history', tags, bearer(token)),
    ),
};

export const archive = {
  /** One page of a room's archived messages, newest first; `cursor` from the previous page. */
  room: (baseUrl, token, roomId, cursor, limit, tags) =>
    http.get(
      `${baseUrl}/api/archive/archive/rooms/${roomId}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      params('GET /api/archive/archive/rooms/:id', 'archive-room', tags, bearer(token)),
    ),
};

/** The JSON body of a response, or null when it has none or is not JSON. */
export function body(res) {
  try {
    return res.json();
  } catch {
    return null;
  }
}

const RETRYABLE = new Set([0, 429, 502, 503, 504]);

/** Data set-up requests are kept out of the measured `op` series (thresholds filter on op). */
const SETUP_TAGS = { op: 'setup', phase: 'setup' };

/** Runs `request()` until it is not a retryable failure (at most 6 tries, ~1 min of waiting). */
function withRetries(what, request) {
  let res;
  for (let attempt = 1; attempt <= 6; attempt++) {
    res = request();
    if (!RETRYABLE.has(res.status)) return res;
    const retryAfter = Number(res.headers['Retry-After']);
    sleep(Math.min(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : attempt, 20));
  }
  throw new Error(`${what}: still ${res.status} after 6 tries: ${String(res.body).slice(0, 200)}`);
}

function expectStatus(what, res, ...statuses) {
  if (!statuses.includes(res.status)) {
    throw new Error(`${what}: HTTP ${res.status}: ${String(res.body).slice(0, 300)}`);
  }
  return body(res);
}

/**
 * A signed-in user for data set-up: registers `username`, or logs in when it exists.
 * Returns `{userId, username, accessToken, refreshToken}`.
 */
export function setupUser(baseUrl, username, password) {
  const tags = SETUP_TAGS;
  let res = withRetries(`register ${username}`, () =>
    auth.register(baseUrl, username, password, tags),
  );
  if (res.status === 409) {
    res = withRetries(`login ${username}`, () => auth.login(baseUrl, username, password, tags));
  }
  const tokens = expectStatus(`sign in ${username}`, res, 200, 201);
  return {
    userId: tokens.user.id,
    username: tokens.user.username,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresIn: tokens.expiresIn,
  };
}

/** Creates a public room and returns it (`{id, name, lastSeq, …}`). */
export function setupRoom(baseUrl, token, name, topic) {
  const res = withRetries(`create room ${name}`, () =>
    http.post(
      `${baseUrl}/api/chat/rooms`,
      JSON.stringify(topic ? { name, topic } : { name }),
      params('POST /api/chat/rooms', 'setup', SETUP_TAGS, bearer(token)),
    ),
  );
  return expectStatus(`create room ${name}`, res, 201);
}

/** A room as chat-service sees it now (its `lastSeq` is the room's newest message). */
export function setupGetRoom(baseUrl, token, roomId) {
  const res = withRetries(`get room ${roomId}`, () =>
    chat.room(baseUrl, token, roomId, SETUP_TAGS),
  );
  return expectStatus(`get room ${roomId}`, res, 200);
}

/** New tokens for a session (the refresh token rotates: use only the returned one). */
export function setupRefresh(baseUrl, refreshToken) {
  const res = withRetries('refresh', () => auth.refresh(baseUrl, refreshToken, SETUP_TAGS));
  const tokens = expectStatus('refresh', res, 200);
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresIn: tokens.expiresIn,
  };
}

/**
 * A user that stays signed in for a whole run: its access token is refreshed a minute before it
 * expires (`expiresIn`, 15 min by default), as the web app does, so soak runs outlast it.
 */
export class UserSession {
  constructor(baseUrl, username, password) {
    this.baseUrl = baseUrl;
    const user = setupUser(baseUrl, username, password);
    this.userId = user.userId;
    this.keep(user);
  }

  keep(tokens) {
    this.tokens = tokens;
    this.refreshAt = Date.now() + Math.max(10, (tokens.expiresIn ?? 900) - 60) * 1000;
  }

  /** A valid access token. */
  token() {
    if (Date.now() >= this.refreshAt)
      this.keep(setupRefresh(this.baseUrl, this.tokens.refreshToken));
    return this.tokens.accessToken;
  }
}
