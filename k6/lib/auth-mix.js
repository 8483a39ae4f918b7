// The auth mix of one arriving client: mostly logins (P5 is about logins), then refreshes of the
// session this VU holds (rotating: only the newest refresh token is ever used again, as a
// well-behaved client does, so no family is revoked), and some new registrations.
import { check } from 'k6';
import exec from 'k6/execution';
import { auth, body } from './api.js';

/** Cumulative weights of the operations: 60 % login, 30 % refresh, 10 % register. */
const MIX = [
  ['login', 0.6],
  ['refresh', 0.9],
  ['register', 1],
];

let held = null; // this VU's current refresh token

function keep(res) {
  const tokens = body(res);
  held = tokens?.refreshToken ?? held;
  return tokens;
}

/**
 * One auth operation. `pool` is the user names registered in setup() (logins pick one at
 * random); `runId` and `password` name and secure new registrations.
 */
export function authIteration({ baseUrl, pool, runId, password }) {
  const r = Math.random();
  let op = MIX.find(([, upTo]) => r < upTo)[0];
  if (op === 'refresh' && held === null) op = 'login'; // nothing to refresh yet
  let res;
  if (op === 'login') {
    res = auth.login(baseUrl, pool[Math.floor(Math.random() * pool.length)], password);
  } else if (op === 'refresh') {
    res = auth.refresh(baseUrl, held);
  } else {
    // Unique across VUs and iterations; ≤ 32 characters.
    const name = `k6${runId}n${exec.vu.idInTest}x${exec.vu.iterationInInstance}`;
    res = auth.register(baseUrl, name, password);
  }
  const tokens = keep(res);
  check(res, {
    [`${op}: ${op === 'register' ? 201 : 200}`]: (r) =>
      r.status === (op === 'register' ? 201 : 200),
    [`${op}: tokens`]: () => typeof tokens?.accessToken === 'string',
  });
}
