// End to end, nothing stood in for: a user logs in at the real auth-service (its own process,
// Postgres and signing key), connects to two chat processes with that token, and logs out. The
// revocation travels auth → Kafka auth.sessions.v1 → every chat process, which must close that
// session's sockets within 2 s, leave the user's other session connected, and refuse the
// logged-out (still unexpired) token from then on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@falablau/common';
import { requireServer } from '@falablau/common/testing';
import type { Room } from '@falablau/common/contracts';
import { startChatCluster, type ChatCluster } from '../testing/chat-cluster.js';
import { startServiceProcess, type ChatProcess } from '../testing/chat-process.js';
import {
  ConnectRefused,
  connectClient,
  disconnected,
  expectOk,
  request,
  type ChatClient,
} from '../testing/socket-client.js';

const authEntry = fileURLToPath(new URL('../../../auth/dist/main.js', import.meta.url));

interface Login {
  accessToken: string;
  sessionId: string;
  user: { id: string; username: string };
}

let authDb: ThrowawayDatabase;
let keysDir: string;
let auth: ChatProcess;
let cluster: ChatCluster;
const clients: ChatClient[] = [];

async function call<T>(path: string, init: { body?: unknown; token?: string } = {}): Promise<T> {
  const res = await fetch(`${auth.url}${path}`, {
    method: 'POST',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

async function connect(token: string, via: ChatProcess): Promise<ChatClient> {
  const client = await connectClient(via.url, { token });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  authDb = await createThrowawayDatabase(requireServer('DATABASE_URL'), 'auth_e2e');
  keysDir = mkdtempSync(join(tmpdir(), 'falablau-keys-'));
  auth = await startServiceProcess({
    name: 'auth-e2e',
    entryPoint: authEntry,
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: authDb.url,
      KAFKA_BOOTSTRAP_SERVERS: requireServer('KAFKA_BOOTSTRAP_SERVERS'),
      KEYS_DIR: keysDir,
    },
  });
  // Same issuer/audience defaults on both sides; chat fetches the real JWKS from auth.
  cluster = await startChatCluster({
    name: 'chat_logout_e2e',
    env: { AUTH_SERVICE_URL: auth.url },
  });
}, 120_000);

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await cluster.close();
  await auth.stop();
  await authDb.drop();
  rmSync(keysDir, { recursive: true, force: true });
});

test('when a user logs out at auth-service, then that session’s sockets on both chat processes close within 2 s', async () => {
  const username = `erin_${Date.now().toString(36)}`;
  const password = 'correct horse battery staple';
  const laptop = await call<Login>('/register', { body: { username, password } });
  const phone = await call<Login>('/login', { body: { username, password } });

  const roomRes = await fetch(`${cluster.process(0).url}/rooms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${laptop.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `logout-${username}` }),
  });
  expect(roomRes.status).toBe(201);
  const room = (await roomRes.json()) as Room;

  const onFirst = await connect(laptop.accessToken, cluster.process(0));
  const onSecond = await connect(laptop.accessToken, cluster.process(1));
  const otherSession = await connect(phone.accessToken, cluster.process(1));
  expectOk(await request(onFirst, 'join_room', { roomId: room.id }));

  const loggedOutAt = Date.now();
  const closed = Promise.all([disconnected(onFirst, 5_000), disconnected(onSecond, 5_000)]);
  await call('/logout', { token: laptop.accessToken });
  await closed;
  const elapsed = Date.now() - loggedOutAt;
  expect(elapsed).toBeLessThan(2_000);

  // The other session is untouched and still works.
  expect(otherSession.connected).toBe(true);
  expectOk(await request(otherSession, 'join_room', { roomId: room.id }));

  // The logged-out token has not expired, but no chat process lets it back in.
  for (const via of [cluster.process(0), cluster.process(1)]) {
    await expect(connectClient(via.url, { token: laptop.accessToken })).rejects.toBeInstanceOf(
      ConnectRefused,
    );
  }
}, 60_000);
