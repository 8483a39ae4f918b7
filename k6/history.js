/* global __ENV */
// history: readers scroll back through rooms page by page — through chat-service (Postgres, then
// on into the archive) and through archive-service directly — checking that the pages join up
// without a gap and timing each page by the tier that served it (k6/README.md).
//
//   k6 run -e BASE_URL=… -e PROFILE=smoke k6/history.js                 seeds its own rooms
//   k6 run -e BASE_URL=… -e SEED_FILE=/abs/seed.json k6/history.js      rooms seeded before
//
// Without SEED_FILE every message is still in Postgres (a fresh seed is minutes old), so chat
// pages are all `hot`; the archive endpoint is exercised either way. For pages that chat-service
// must fetch from the archive, seed with k6/seed-history.js and age the rooms
// (scripts/k6/age-history.mjs on the local cluster; `make k6-smoke` does both).
// Parameters (-e, upper case): ROOMS, MESSAGES, HOT_KEEP, LIMIT (page size), MAX_PAGES (0: to
// the first message), RATE (scrolls started per second), DURATION_S.
import exec from 'k6/execution';
import { UserSession } from './lib/api.js';
import { BASE_URL, PASSWORD, PROFILE, newRunId, profileParams, seconds } from './lib/env.js';
import { HISTORY_PROFILES, PAGE_P99, loadSeedFile, scroll, seedRooms } from './lib/history.js';
import { fmt, metric, report } from './lib/summary.js';

const P = profileParams(HISTORY_PROFILES);
const SEED = loadSeedFile(__ENV.SEED_FILE);

const HOT_P99 = PAGE_P99.hot[PROFILE];
const ARCHIVE_P99 = PAGE_P99.archive[PROFILE];

export const options = {
  setupTimeout: seconds(120 + (P.rooms * P.messages) / 50),
  scenarios: {
    readers: {
      executor: 'constant-arrival-rate',
      rate: P.rate,
      timeUnit: '1s',
      duration: seconds(P.durationS),
      preAllocatedVUs: Math.max(2, Math.ceil(P.rate)),
      maxVUs: Math.max(10, Math.ceil(P.rate * 5)),
      gracefulStop: '30s',
    },
  },
  thresholds: {
    history_gaps: ['count==0'],
    history_scrolls_complete: PROFILE === 'smoke' ? ['count>0'] : [],
    checks: [PROFILE === 'smoke' ? 'rate==1' : 'rate>=0.99'],
    'history_page_duration{endpoint:chat,tier:hot}': [`p(99)<=${HOT_P99}`],
    'history_page_duration{endpoint:chat,tier:archive}': [`p(99)<=${ARCHIVE_P99}`],
    'history_page_duration{endpoint:archive}': [`p(99)<=${ARCHIVE_P99}`],
  },
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max', 'count'],
};

export async function setup() {
  const runId = newRunId();
  const rooms = SEED
    ? SEED.rooms
    : await seedRooms({
        baseUrl: BASE_URL,
        runId,
        rooms: P.rooms,
        messages: P.messages,
        password: PASSWORD,
      });
  return { runId, rooms };
}

let reader; // one signed-in reader per VU, for the whole run

export default function (data) {
  reader ??= new UserSession(BASE_URL, `k6${data.runId}r${exec.vu.idInTest}`, PASSWORD);
  const room = data.rooms[Math.floor(Math.random() * data.rooms.length)];
  scroll(BASE_URL, reader.token(), room, 'chat', P.limit, P.maxPages);
  scroll(BASE_URL, reader.token(), room, 'archive', P.limit, P.maxPages);
}

export function handleSummary(data) {
  const p99 = (sub) => fmt(metric(data, `history_page_duration{${sub}}`, 'p(99)'));
  const pages = (sub) => fmt(metric(data, `history_page_duration{${sub}}`, 'count') ?? 0, 0);
  const line =
    `${pages('endpoint:chat,tier:hot')} hot pages p99 ${p99('endpoint:chat,tier:hot')} ms, ` +
    `${pages('endpoint:chat,tier:archive')} chat→archive pages p99 ${p99('endpoint:chat,tier:archive')} ms, ` +
    `${pages('endpoint:archive')} archive-service pages p99 ${p99('endpoint:archive')} ms, ` +
    `gaps ${fmt(metric(data, 'history_gaps', 'count') ?? 0, 0)}` +
    (SEED ? '' : ' (unaged seed: no chat→archive pages)');
  return report(data, 'history', line, {
    trends: [
      ['history_page_duration{endpoint:chat,tier:hot}', 'chat page, hot (Postgres)'],
      ['history_page_duration{endpoint:chat,tier:archive}', 'chat page, from the archive'],
      ['history_page_duration{endpoint:chat,tier:mixed}', 'chat page, across the boundary'],
      ['history_page_duration{endpoint:archive}', 'archive-service page'],
    ],
    counters: [
      ['history_scrolls_complete', 'scrolls down to seq 1'],
      ['history_gaps', 'gaps / out-of-order pages'],
    ],
  });
}
