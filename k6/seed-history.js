/* global __ENV */
// seed-history: creates history.js's rooms and messages once and writes them to SEED_OUT, so
// the rooms can be aged into the archive (scripts/k6/age-history.mjs) and scrolled many times
// (history.js -e SEED_FILE=…). Same profiles and parameters as history.js.
//
//   k6 run -e BASE_URL=… -e PROFILE=smoke -e SEED_OUT=/abs/path/seed.json k6/seed-history.js
import { BASE_URL, PASSWORD, PROFILE, newRunId, profileParams, seconds } from './lib/env.js';
import { HISTORY_PROFILES, seedRooms } from './lib/history.js';

const P = profileParams(HISTORY_PROFILES);
if (!__ENV.SEED_OUT) throw new Error('-e SEED_OUT=<file> is required (where to write the rooms)');

export const options = {
  setupTimeout: seconds(120 + (P.rooms * P.messages) / 50),
  scenarios: { done: { executor: 'shared-iterations', vus: 1, iterations: 1 } },
};

export async function setup() {
  const runId = newRunId();
  const t0 = Date.now();
  const rooms = await seedRooms({
    baseUrl: BASE_URL,
    runId,
    rooms: P.rooms,
    messages: P.messages,
    password: PASSWORD,
  });
  return {
    baseUrl: BASE_URL,
    profile: PROFILE,
    runId,
    hotKeep: P.hotKeep,
    seedSeconds: (Date.now() - t0) / 1000,
    rooms,
  };
}

// Everything happens in setup(); a run needs one iteration.
export default function () {}

export function handleSummary(data) {
  const seed = data.setup_data;
  if (!seed) return { stdout: '[k6] seed-history: setup failed, nothing written\n' };
  const total = seed.rooms.reduce((sum, r) => sum + r.lastSeq, 0);
  return {
    stdout:
      `[k6] seed-history ${PROFILE}: ${seed.rooms.length} rooms, ${total} messages in ` +
      `${seed.seedSeconds.toFixed(1)} s (${(total / seed.seedSeconds).toFixed(0)}/s), ` +
      `wrote ${__ENV.SEED_OUT}\n`,
    [__ENV.SEED_OUT]: JSON.stringify(seed, null, 2),
  };
}
