// Login throughput of one auth-service process on the real Postgres: registers N users, then
// runs autocannon against POST /login for a fixed time, rotating through the users, and prints
// logins/s and latency percentiles. Build and run: `npm run bench:login -w @falablau/auth`
// (options: BENCH_USERS, BENCH_CONNECTIONS, BENCH_SECONDS).
import { availableParallelism } from 'node:os';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { startTestAuthApp } from '../src/testing/auth-test-app.js';

const users = Number(process.env.BENCH_USERS ?? 200);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const password = 'bench password 123';

const t = await startTestAuthApp({
  // The benchmark comes from one address: lift the per-IP limit, keep everything else real.
  config: { ipRateLimit: { max: 1_000_000, windowMs: 60_000 }, passwordHashQueueLimit: 10_000 },
});
try {
  process.stdout.write(`registering ${users} users… `);
  const names = Array.from({ length: users }, (_, i) => `bench_user_${i}`);
  for (let i = 0; i < names.length; i += 16) {
    await Promise.all(
      names.slice(i, i + 16).map(async (username) => {
        const res = await t.app.inject({
          method: 'POST',
          url: '/register',
          payload: { username, password },
        });
        if (res.statusCode !== 201)
          throw new Error(`register ${username}: ${res.statusCode} ${res.body}`);
      }),
    );
  }
  process.stdout.write('done\n');

  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/login',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          const username = names[next++ % names.length] ?? 'bench_user_0';
          return { ...request, body: JSON.stringify({ username, password }) };
        },
      },
    ],
  });

  const ok = result['2xx'];
  const summary = {
    cpus: availableParallelism(),
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
    connections,
    seconds: result.duration,
    logins: ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    loginsPerSecond: Math.round((ok / result.duration) * 10) / 10,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
} finally {
  await t.dispose();
}
