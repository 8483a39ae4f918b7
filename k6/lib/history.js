/* global open */
// History: seeding rooms with messages, and scrolling back through them page by page the way
// the web app does — `GET /api/chat/rooms/:id/messages?before=&limit=` (chat-service pages on
// from Postgres into the archive when the hot store runs out) and
// `GET /api/archive/archive/rooms/:id?cursor=` (archive-service directly).
//
// Every page is checked, not only timed: seqs must run down without a gap from the room's
// newest message to seq 1, across the hot/archive boundary (`history_gaps` counts violations).
// A page is tagged with the tier that served it — `hot`, `archive` or `mixed` — from the seed's
// boundary: a room whose messages up to `archivedThrough` were moved to the archive (by
// scripts/k6/age-history.mjs on the local cluster, or by time on a real deployment).
import { check, sleep } from 'k6';
import { Counter, Trend } from 'k6/metrics';
import { archive, body, chat, setupRoom, setupUser } from './api.js';
import { sleepMs } from './env.js';
import { SocketIo } from './socketio.js';

export const historyMetrics = {
  /** One page's response time (ms), tagged endpoint (chat | archive) and tier. */
  page: new Trend('history_page_duration', true),
  /** Pages whose messages did not continue exactly where the previous page stopped. */
  gaps: new Counter('history_gaps'),
  /** Scrolls that reached the room's first message (seq 1). */
  complete: new Counter('history_scrolls_complete'),
};

/**
 * P6 (issue 7): a page of 50 — hot p99 ≤ 10 ms, archive p99 ≤ 20 ms (at 10M archived messages:
 * `make bench`). Smoke bounds: 10× for hot pages; for archive pages 1 s, because on the local
 * cluster they are served by FerretDB, the MongoDB stand-in, whose SQLite backend scans and sorts
 * the whole collection for every query (tens of ms per thousand documents,
 * docs/performance.md): the smoke bound only catches a broken or hanging archive.
 */
export const PAGE_P99 = {
  hot: { smoke: 100, load: 10, stress: 10, soak: 10 },
  archive: { smoke: 1000, load: 20, stress: 20, soak: 20 },
};

/** The history profiles, shared by history.js and seed-history.js (same rooms, same sizes). */
export const HISTORY_PROFILES = {
  // Two rooms of 200: once aged (hotKeep 50, pages of 50), one page per room comes from
  // Postgres and three from the archive. Small on purpose: FerretDB, the local MongoDB stand-in,
  // scans the whole collection for every query (docs/load-testing.md).
  smoke: { rooms: 2, messages: 200, hotKeep: 50, limit: 50, maxPages: 0, rate: 2, durationS: 8 },
  // A reader every 100 ms scrolling 10 pages deep (500 messages: past the hot 200).
  load: {
    rooms: 20,
    messages: 2000,
    hotKeep: 200,
    limit: 50,
    maxPages: 10,
    rate: 10,
    durationS: 300,
  },
  stress: {
    rooms: 20,
    messages: 2000,
    hotKeep: 200,
    limit: 50,
    maxPages: 10,
    rate: 60,
    durationS: 300,
  },
  soak: {
    rooms: 20,
    messages: 2000,
    hotKeep: 200,
    limit: 50,
    maxPages: 10,
    rate: 2,
    durationS: 7200,
  },
};

/**
 * Creates `rooms` rooms with `messages` messages each, sent over Socket.IO by a few users in
 * parallel (the only way messages enter the platform), and waits until archive-service has
 * ingested them from Kafka. Resolves with `[{id, label, lastSeq, archivedThrough: 0}]`.
 * Honours RATE_LIMITED acks (a deployment with default per-user limits seeds slower, not wrongly).
 */
export async function seedRooms({ baseUrl, runId, rooms, messages, password }) {
  const owner = setupUser(baseUrl, `k6${runId}seed`, password);
  const created = [];
  for (let i = 0; i < rooms; i++) {
    const room = setupRoom(baseUrl, owner.accessToken, `k6 history ${runId} ${i}`);
    created.push({ id: room.id, label: `h${i}`, lastSeq: 0, archivedThrough: 0 });
  }
  const total = rooms * messages;
  // 20 messages per writer fit in the default per-user allowance (20 per 10 s) at once.
  const writers = Math.min(20, Math.max(1, Math.ceil(total / 20)));
  const jobs = [];
  for (let w = 0; w < writers; w++) {
    // Writer w sends message numbers w, w + writers, …: every writer has its share of every room.
    const numbers = [];
    for (let k = w; k < total; k += writers) numbers.push(k);
    jobs.push(seedWriter(baseUrl, runId, w, password, created, messages, numbers));
  }
  await Promise.all(jobs);
  for (const room of created) room.lastSeq = messages;
  await waitForArchive(baseUrl, owner.accessToken, created);
  return created;
}

async function seedWriter(baseUrl, runId, w, password, rooms, perRoom, numbers) {
  const user = setupUser(baseUrl, `k6${runId}w${w}`, password);
  const socket = new SocketIo(baseUrl, { tags: { name: 'socket.io', phase: 'setup' } });
  await socket.connect({ token: user.accessToken });
  for (const room of rooms) {
    const { ack } = await socket.emitWithAck('join_room', { roomId: room.id });
    if (!ack.ok) throw new Error(`seed: join_room: ${ack.error.code}: ${ack.error.message}`);
  }
  // A window of sends in flight per writer: fast, without flooding one process's queue.
  const window = 16;
  let next = 0;
  const one = async () => {
    while (next < numbers.length) {
      const k = numbers[next++];
      const room = rooms[Math.floor(k / perRoom)];
      const payload = {
        roomId: room.id,
        text: `k6 seed ${room.label} message ${k % perRoom} of ${perRoom}`,
        clientMsgId: `${runId}-seed-${k}`,
      };
      for (let attempt = 0; ; attempt++) {
        const { ack } = await socket.emitWithAck('send_message', payload);
        if (ack.ok) break;
        const retryable = ack.error.code === 'RATE_LIMITED' || ack.error.code === 'UNAVAILABLE';
        if (!retryable || attempt >= 30) {
          throw new Error(`seed: send_message: ${ack.error.code}: ${ack.error.message}`);
        }
        // "… try again in N s": the limiter's own wait (same clientMsgId: never stored twice).
        const wait = Number(/(\d+) s\b/.exec(ack.error.message)?.[1] ?? 1);
        await sleepMs(Math.min(wait, 10) * 1000);
      }
    }
  };
  const lanes = [];
  for (let i = 0; i < window; i++) lanes.push(one());
  try {
    await Promise.all(lanes);
  } finally {
    socket.close();
  }
}

/** Until archive-service's newest message of each room is the room's last one (≤ 60 s). */
function waitForArchive(baseUrl, token, rooms) {
  const deadline = Date.now() + 60_000;
  for (const room of rooms) {
    for (;;) {
      const res = archive.room(baseUrl, token, room.id, null, 1, { op: 'setup', phase: 'setup' });
      if (res.status === 200 && body(res)?.messages?.[0]?.seq === room.lastSeq) break;
      if (Date.now() > deadline) {
        throw new Error(
          `seed: archive-service has not ingested room ${room.id} up to seq ${room.lastSeq} ` +
            `after 60 s (HTTP ${res.status}): is its Kafka consumer running?`,
        );
      }
      sleep(0.5);
    }
  }
}

/** The seeded rooms from `-e SEED_FILE=` (written by seed-history.js), or null. */
export function loadSeedFile(path) {
  if (!path) return null;
  const seed = JSON.parse(open(path));
  if (!Array.isArray(seed.rooms) || seed.rooms.length === 0) {
    throw new Error(`${path}: no rooms (write it with k6/seed-history.js)`);
  }
  return seed;
}

function tierOf(messages, archivedThrough) {
  if (archivedThrough <= 0) return 'hot';
  const oldest = messages[messages.length - 1].seq;
  const newest = messages[0].seq;
  if (oldest > archivedThrough) return 'hot';
  if (newest <= archivedThrough) return 'archive';
  return 'mixed';
}

/**
 * Pages back through one room, newest first, until its first message (or `maxPages`, 0 = all).
 * `endpoint` is 'chat' (hot store, then the archive) or 'archive' (archive-service).
 */
export function scroll(baseUrl, token, room, endpoint, limit, maxPages) {
  let cursor = null;
  let expected = room.lastSeq; // the seq the next message must have
  for (let page = 1; maxPages === 0 || page <= maxPages; page++) {
    const res =
      endpoint === 'chat'
        ? chat.history(baseUrl, token, room.id, cursor, limit, { endpoint })
        : archive.room(baseUrl, token, room.id, cursor, limit, { endpoint });
    const answer = body(res);
    const ok = check(res, {
      [`${endpoint} history page is 200`]: (r) => r.status === 200,
      [`${endpoint} history page has messages`]: () => (answer?.messages?.length ?? 0) > 0,
    });
    if (!ok) return;
    const messages = answer.messages;
    const tier = endpoint === 'archive' ? 'archive' : tierOf(messages, room.archivedThrough);
    historyMetrics.page.add(res.timings.duration, { endpoint, tier, room: room.label });
    for (const m of messages) {
      if (m.seq !== expected) {
        historyMetrics.gaps.add(1, { endpoint, room: room.label });
        console.warn(
          `[history] ${endpoint} page ${page} of room ${room.label} (${room.id}): ` +
            `seq ${m.seq} where ${expected} was due`,
        );
        return;
      }
      expected--;
    }
    cursor = answer.nextCursor;
    if (cursor === null) break;
  }
  if (expected === 0) {
    historyMetrics.complete.add(1, { endpoint });
  } else if (maxPages === 0 || cursor === null) {
    // The last page came and seq 1 was not on it: the history stops short.
    historyMetrics.gaps.add(1, { endpoint, room: room.label });
    console.warn(`[history] ${endpoint} history of room ${room.label} ends at seq ${expected + 1}`);
  }
}
