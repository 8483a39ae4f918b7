/* global __ENV */
// day-in-the-life: the platform's usual day, all at once, as k6 scenarios with their own
// executors: people chatting in rooms (held Socket.IO connections, steady sending), people
// signing in (an arrival rate of logins, refreshes and registrations), people opening the app
// (room list, a room, its newest page) and people scrolling back through history into the
// archive. P5 — logins p99 ≤ 150 ms while the chat load runs — is measured here.
//
//   k6 run -e BASE_URL=… -e PROFILE=smoke k6/day-in-the-life.js
//   k6 run -e BASE_URL=… -e SEED_FILE=/abs/seed.json k6/day-in-the-life.js   (aged history rooms)
//
// Parameters (-e, upper case): ROOMS, ROOM_SIZE, RATE (messages/s per chatter), RAMP_S, HOLD_S,
// DRAIN_S, LOGIN_RATE (auth operations/s, 60 % logins), BROWSE_RATE, SCROLL_RATE (per second),
// POOL, HISTORY_ROOMS, HISTORY_MESSAGES, MAX_PAGES.
import { check } from 'k6';
import exec from 'k6/execution';
import { UserSession, body, chat, setupRoom, setupUser } from './lib/api.js';
import { authIteration } from './lib/auth-mix.js';
import { chatSession } from './lib/chat.js';
import { BASE_URL, PASSWORD, PROFILE, newRunId, profileParams, seconds } from './lib/env.js';
import { PAGE_P99, loadSeedFile, scroll, seedRooms } from './lib/history.js';
import { fmt, metric, report } from './lib/summary.js';

const P = profileParams({
  smoke: {
    rooms: 2,
    roomSize: 3,
    rate: 1,
    rampS: 2,
    holdS: 12,
    drainS: 2,
    loginRate: 2,
    browseRate: 2,
    scrollRate: 1,
    pool: 3,
    historyRooms: 1,
    historyMessages: 100,
    maxPages: 0,
  },
  // P2's shape at the scale of chat-ws.js load, with P5's 80 logins/s beside it.
  load: {
    rooms: 50,
    roomSize: 10,
    rate: 1,
    rampS: 60,
    holdS: 300,
    drainS: 5,
    loginRate: 133,
    browseRate: 20,
    scrollRate: 5,
    pool: 200,
    historyRooms: 10,
    historyMessages: 1000,
    maxPages: 10,
  },
  stress: {
    rooms: 100,
    roomSize: 10,
    rate: 2,
    rampS: 120,
    holdS: 300,
    drainS: 15,
    loginRate: 200,
    browseRate: 50,
    scrollRate: 20,
    pool: 200,
    historyRooms: 10,
    historyMessages: 1000,
    maxPages: 10,
  },
  soak: {
    rooms: 50,
    roomSize: 10,
    rate: 0.5,
    rampS: 60,
    holdS: 7200,
    drainS: 5,
    loginRate: 20,
    browseRate: 5,
    scrollRate: 1,
    pool: 200,
    historyRooms: 10,
    historyMessages: 1000,
    maxPages: 10,
  },
});
const CHATTERS = P.rooms * P.roomSize;
const SEED = loadSeedFile(__ENV.SEED_FILE);
const BUSY = seconds(P.rampS + P.holdS); // the arrival-rate scenarios run while the chatters do

const smoke = PROFILE === 'smoke';
// Targets (issue 7) at load and soak; smoke gates correctness and 10× them (see chat-ws.js).
const x = smoke ? 10 : 1;
const arrivals = (rate, exec) => ({
  executor: 'constant-arrival-rate',
  exec,
  rate,
  timeUnit: '1s',
  duration: BUSY,
  preAllocatedVUs: Math.max(2, Math.ceil(rate / 5)),
  maxVUs: Math.max(10, Math.ceil(rate * 2)),
  gracefulStop: '30s',
});

export const options = {
  setupTimeout: seconds(120 + P.rooms + P.pool / 5 + (P.historyRooms * P.historyMessages) / 50),
  scenarios: {
    chatters: {
      executor: 'per-vu-iterations',
      exec: 'chatter',
      vus: CHATTERS,
      iterations: 1,
      maxDuration: seconds(P.rampS + P.holdS + P.drainS + 60),
      gracefulStop: '30s',
    },
    logins: arrivals(P.loginRate, 'signIn'),
    browsers: arrivals(P.browseRate, 'browse'),
    readers: arrivals(P.scrollRate, 'reader'),
  },
  thresholds: {
    // P2 and loss
    chat_deliveries_lost: ['count==0'],
    chat_deliveries_received: ['count>0'],
    chat_connect_ok: [smoke ? 'rate==1' : 'rate>=0.99'],
    ...(PROFILE === 'stress'
      ? {}
      : {
          chat_send_errors: ['count==0'],
          chat_delivery_latency: [`p(50)<=${5 * x}`, `p(99)<=${50 * x}`],
        }),
    // P5, under the chat load
    'http_req_duration{scenario:logins,op:login}': [`p(99)<=${150 * x}`],
    'http_req_failed{scenario:logins}': [smoke ? 'rate==0' : 'rate<0.01'],
    // P6 and history integrity (lib/history.js: PAGE_P99)
    history_gaps: ['count==0'],
    'history_page_duration{endpoint:chat,tier:hot}': [`p(99)<=${PAGE_P99.hot[PROFILE]}`],
    'history_page_duration{endpoint:chat,tier:archive}': [`p(99)<=${PAGE_P99.archive[PROFILE]}`],
    'history_page_duration{endpoint:archive}': [`p(99)<=${PAGE_P99.archive[PROFILE]}`],
    'http_req_failed{scenario:browsers}': [smoke ? 'rate==0' : 'rate<0.01'],
    checks: [smoke ? 'rate==1' : 'rate>=0.99'],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max', 'count'],
};

export async function setup() {
  const runId = newRunId();
  const owner = setupUser(BASE_URL, `k6${runId}owner`, PASSWORD);
  const rooms = [];
  for (let i = 0; i < P.rooms; i++) {
    const room = setupRoom(BASE_URL, owner.accessToken, `k6 day ${runId} ${i}`);
    rooms.push({ id: room.id, label: `r${i}` });
  }
  const pool = [];
  for (let i = 0; i < P.pool; i++)
    pool.push(setupUser(BASE_URL, `k6${runId}p${i}`, PASSWORD).username);
  const historyRooms = SEED
    ? SEED.rooms
    : await seedRooms({
        baseUrl: BASE_URL,
        runId,
        rooms: P.historyRooms,
        messages: P.historyMessages,
        password: PASSWORD,
      });
  const endAt = Date.now() + (P.rampS + P.holdS) * 1000 + 1000;
  return { runId, rooms, pool, historyRooms, endAt };
}

export async function chatter(data) {
  const index = exec.scenario.iterationInTest;
  await chatSession({
    baseUrl: BASE_URL,
    runId: data.runId,
    room: data.rooms[index % data.rooms.length],
    userIndex: index,
    password: PASSWORD,
    startDelayMs: (index / CHATTERS) * P.rampS * 1000,
    endAt: data.endAt,
    drainMs: P.drainS * 1000,
    rate: P.rate,
    textBytes: 80,
  });
}

export function signIn(data) {
  authIteration({ baseUrl: BASE_URL, pool: data.pool, runId: data.runId, password: PASSWORD });
}

let session; // one signed-in user per VU of the browsers and readers scenarios

function readerToken(data) {
  session ??= new UserSession(BASE_URL, `k6${data.runId}v${exec.vu.idInTest}`, PASSWORD);
  return session.token();
}

/** Opening the app: the room list, one room, its newest page of history. */
export function browse(data) {
  const token = readerToken(data);
  const list = chat.rooms(BASE_URL, token);
  check(list, { 'rooms list is 200': (r) => r.status === 200 });
  const room = data.historyRooms[Math.floor(Math.random() * data.historyRooms.length)];
  const one = chat.room(BASE_URL, token, room.id);
  check(one, { 'room is 200': (r) => r.status === 200 && body(r)?.id === room.id });
  scroll(BASE_URL, token, room, 'chat', 50, 1);
}

/** Scrolling back through a room's history, through chat-service and through the archive. */
export function reader(data) {
  const token = readerToken(data);
  const room = data.historyRooms[Math.floor(Math.random() * data.historyRooms.length)];
  scroll(BASE_URL, token, room, 'chat', 50, P.maxPages);
  scroll(BASE_URL, token, room, 'archive', 50, P.maxPages);
}

export function handleSummary(data) {
  const m = (name, stat) => metric(data, name, stat);
  const login = (stat) => m('http_req_duration{scenario:logins,op:login}', stat);
  const line =
    `${CHATTERS} chatters: ${fmt(m('chat_messages_sent', 'count') ?? 0, 0)} messages, ` +
    `lost ${fmt(m('chat_deliveries_lost', 'count') ?? 0, 0)}, ` +
    `delivery p50 ${fmt(m('chat_delivery_latency', 'med'))} p99 ${fmt(m('chat_delivery_latency', 'p(99)'))} ms; ` +
    `${fmt(login('count') ?? 0, 0)} logins p99 ${fmt(login('p(99)'))} ms; ` +
    `history hot p99 ${fmt(m('history_page_duration{endpoint:chat,tier:hot}', 'p(99)'))} ms, ` +
    `archive p99 ${fmt(m('history_page_duration{endpoint:archive}', 'p(99)'))} ms, ` +
    `gaps ${fmt(m('history_gaps', 'count') ?? 0, 0)}`;
  return report(data, 'day-in-the-life', line, {
    trends: [
      ['chat_delivery_latency', 'chat: send → receive'],
      ['chat_ack_latency', 'chat: send → ack'],
      ['http_req_duration{scenario:logins,op:login}', 'auth: login (under chat load)'],
      ['history_page_duration{endpoint:chat,tier:hot}', 'history: chat page, hot'],
      ['history_page_duration{endpoint:chat,tier:archive}', 'history: chat page, archive'],
      ['history_page_duration{endpoint:archive}', 'history: archive-service page'],
    ],
    counters: [
      ['chat_messages_sent', 'chat: messages sent'],
      ['chat_deliveries_expected', 'chat: deliveries expected'],
      ['chat_deliveries_lost', 'chat: deliveries LOST'],
      ['history_gaps', 'history: gaps'],
    ],
  });
}
