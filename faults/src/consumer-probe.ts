// Proof that the chat processes' Kafka consumers work after a fault (a consumer that stalls after
// a broker restart loses nothing the ledgers can see, but revocation and presence stop):
//   1. a probe user logs in and opens a socket DIRECTLY on each chat process (not through nginx:
//      each process must be covered);
//   2. each connect publishes `user.connected` on chat.sessions.v1: both processes must consume
//      those (their presence consumers);
//   3. the probe user logs out: auth-service publishes `session.revoked` on auth.sessions.v1 and
//      BOTH sockets must be closed by their process (`io server disconnect`: the revocation
//      consumers, end to end).
import { io, type Socket } from 'socket.io-client';
import { metricValue, type ChatProcess, type Cluster } from './cluster.js';
import { waitFor } from './timing.js';

export interface ProbeResult {
  /** Logout request sent → both sockets closed. */
  revocationMs: number;
}

const chatProcesses: ChatProcess[] = ['chat-a', 'chat-b'];

async function presenceConsumed(cluster: Cluster): Promise<Record<ChatProcess, number>> {
  const values = { 'chat-a': 0, 'chat-b': 0 };
  for (const proc of chatProcesses) {
    const text = (await cluster.metrics(proc)) ?? '';
    values[proc] = metricValue(text, 'falablau_events_consumed_total', {
      topic: 'chat.sessions.v1',
    });
  }
  return values;
}

async function post(url: string, init: { body?: unknown; token?: string }): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(15_000),
  });
}

export async function probeConsumers(
  cluster: Cluster,
  probe: { username: string; password: string },
  timeoutMs: number,
): Promise<ProbeResult> {
  const env = cluster.env;
  if (!env) throw new Error('the cluster is not up');
  const login = await post(`${env.baseUrl}/api/auth/login`, { body: probe });
  if (login.status !== 200) {
    throw new Error(`probe login answered ${login.status}: ${(await login.text()).slice(0, 200)}`);
  }
  const { accessToken } = (await login.json()) as { accessToken: string };

  const before = await presenceConsumed(cluster);
  const sockets = new Map<ChatProcess, Socket>();
  const closedBy = new Map<ChatProcess, string>();
  try {
    for (const proc of chatProcesses) {
      const socket = io(env.urls[proc], {
        path: '/socket.io',
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: { token: accessToken },
      });
      socket.on('disconnect', (reason) => closedBy.set(proc, reason));
      sockets.set(proc, socket);
    }
    await waitFor(
      'the probe sockets to connect to chat-a and chat-b',
      () => [...sockets.values()].every((s) => s.connected),
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    let now = before;
    await waitFor(
      'both chat processes to consume the probe user\u2019s presence events (chat.sessions.v1)',
      async () => {
        now = await presenceConsumed(cluster);
        return chatProcesses.every((p) => now[p] > before[p]);
      },
      {
        timeoutMs,
        intervalMs: 250,
        describe: () => `consumed before ${JSON.stringify(before)}, now ${JSON.stringify(now)}`,
      },
    );
    // Timed from the request: the sockets may well close before its answer arrives.
    const loggedOutAt = Date.now();
    const logout = await post(`${env.baseUrl}/api/auth/logout`, { token: accessToken });
    if (logout.status !== 204) throw new Error(`probe logout answered ${logout.status}`);
    await waitFor(
      'both chat processes to close the logged-out session\u2019s sockets (auth.sessions.v1)',
      () => chatProcesses.every((p) => closedBy.has(p)),
      {
        timeoutMs,
        intervalMs: 50,
        describe: () =>
          chatProcesses.map((p) => `${p}: ${closedBy.get(p) ?? 'still connected'}`).join(', '),
      },
    );
    const wrong = chatProcesses.filter((p) => closedBy.get(p) !== 'io server disconnect');
    if (wrong.length > 0) {
      throw new Error(
        `probe sockets closed for another reason than the revocation: ${wrong.map((p) => `${p} ${closedBy.get(p) ?? ''}`).join(', ')}`,
      );
    }
    return { revocationMs: Date.now() - loggedOutAt };
  } finally {
    for (const socket of sockets.values()) socket.disconnect();
  }
}
