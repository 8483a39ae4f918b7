// The presence protocol between processes, on the in-process event bus (the standalone mode's,
// which behaves like Kafka): fast, and the same code the cluster tests run on Kafka.
import {
  chatSessionsTopic,
  createInProcessEventBus,
  createLogger,
  type EventBus,
} from '@falablau/common';
import { waitFor } from '../testing/timing.js';
import type { PresenceChange } from './presence-view.js';
import { createPresence, type Presence } from './presence.service.js';

const logger = createLogger({ name: 'presence-test', level: 'silent' });
const alice = { userId: 'u-alice', username: 'alice' };

interface Node {
  presence: Presence;
  changes: PresenceChange[];
}

let bus: EventBus;
let nodes: Node[];

async function startNode(
  instanceId: string,
  { heartbeatIntervalMs = 200, leaseMs = 600, offlineGraceMs = 0 } = {},
): Promise<Node> {
  const changes: PresenceChange[] = [];
  const presence = createPresence({
    eventBus: bus,
    instanceId,
    logger,
    heartbeatIntervalMs,
    leaseMs,
    offlineGraceMs,
    onChange: (batch) => changes.push(...batch),
  });
  await presence.start();
  const node = { presence, changes };
  nodes.push(node);
  return node;
}

const saw = (node: Node, status: 'online' | 'offline', userId = alice.userId) =>
  node.changes.some((c) => c.userId === userId && c.status === status);

beforeEach(() => {
  bus = createInProcessEventBus({ logger });
  nodes = [];
});

afterEach(async () => {
  await Promise.all(nodes.map((n) => n.presence.close()));
  await bus.close();
});

describe('presence between processes', () => {
  test('when a user connects on one process, then the other sees them online, then offline', async () => {
    const a = await startNode('pod-a');
    const b = await startNode('pod-b');
    a.presence.socketConnected('s1', alice);
    expect(a.changes).toEqual([{ ...alice, status: 'online' }]); // own sockets: at once
    await waitFor(() => saw(b, 'online'), 'pod-b to see alice online');
    expect(b.presence.isOnline(alice.userId)).toBe(true);
    expect(b.presence.onlineCount([alice.userId, 'u-nobody'])).toBe(1);

    a.presence.socketDisconnected('s1', alice.userId);
    await waitFor(() => saw(b, 'offline'), 'pod-b to see alice offline');
    expect(b.presence.isOnline(alice.userId)).toBe(false);
  });

  test('when a process starts late, then it learns who is online without waiting a heartbeat', async () => {
    const a = await startNode('pod-a', { heartbeatIntervalMs: 60_000, leaseMs: 180_000 });
    a.presence.socketConnected('s1', alice);
    const late = await startNode('pod-late', { heartbeatIntervalMs: 60_000, leaseMs: 180_000 });
    // pod-a answers pod-late's process.started with a snapshot within ~500 ms.
    await waitFor(() => late.presence.isOnline(alice.userId), 'the newcomer to learn of alice', {
      timeoutMs: 2_000,
    });
  });

  test('when a process goes silent, then its users expire after the lease', async () => {
    const b = await startNode('pod-b');
    // A process that announced alice and then died: nothing more from it.
    await bus.publish(
      chatSessionsTopic,
      'user.connected',
      { instanceId: 'pod-dead', ...alice, leaseMs: 600 },
      { key: 'pod-dead' },
    );
    await waitFor(() => saw(b, 'online'), 'alice online');
    const onlineAt = Date.now();
    await waitFor(() => saw(b, 'offline'), 'alice to expire', { timeoutMs: 3_000 });
    expect(Date.now() - onlineAt).toBeGreaterThanOrEqual(500);
  });

  test('when a process stops, then its goodbye takes its users offline at once', async () => {
    const a = await startNode('pod-a', { heartbeatIntervalMs: 60_000, leaseMs: 180_000 });
    const b = await startNode('pod-b', { heartbeatIntervalMs: 60_000, leaseMs: 180_000 });
    a.presence.socketConnected('s1', alice);
    await waitFor(() => saw(b, 'online'), 'alice online');
    await a.presence.close();
    await waitFor(() => saw(b, 'offline'), 'alice offline after the goodbye', { timeoutMs: 1_000 });
  });

  test('when a user is connected to two processes, then leaving one keeps them online', async () => {
    const a = await startNode('pod-a');
    const b = await startNode('pod-b');
    const c = await startNode('pod-c');
    a.presence.socketConnected('s1', alice);
    b.presence.socketConnected('s2', alice);
    await waitFor(() => saw(c, 'online'), 'alice online');
    a.presence.socketDisconnected('s1', alice.userId);
    // Several heartbeats later she is still online, from pod-b.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(c.presence.isOnline(alice.userId)).toBe(true);
    expect(saw(c, 'offline')).toBe(false);
  });

  test('when heartbeats keep coming, then nobody expires', async () => {
    const a = await startNode('pod-a');
    const b = await startNode('pod-b');
    a.presence.socketConnected('s1', alice);
    await waitFor(() => saw(b, 'online'), 'alice online');
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // 2.5 leases
    expect(saw(b, 'offline')).toBe(false);
    expect(b.presence.viewSize()).toEqual({ onlineUsers: 1, instances: 2 });
  });
});
