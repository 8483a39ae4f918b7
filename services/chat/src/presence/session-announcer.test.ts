import type { EventBus, PublishItem } from '@falablau/common';
import { chatSessionsTopic, createLogger, HEARTBEAT_CHUNK_MAX_USERS } from '@falablau/common';
import { createSessionAnnouncer, heartbeatAnnouncements } from './session-announcer.js';

const logger = createLogger({ name: 'announcer-test', level: 'silent' });
type Item = PublishItem<typeof chatSessionsTopic>;

/** A bus whose publishMany resolves when the test says so. */
function slowBus() {
  const calls: Item[][] = [];
  const release: (() => void)[] = [];
  let fail = false;
  const bus = {
    publishMany: (_topic: unknown, items: readonly Item[]) => {
      calls.push([...items]);
      return new Promise<unknown[]>((resolve, reject) => {
        release.push(() => {
          if (fail) reject(new Error('broker down'));
          else resolve([]);
        });
      });
    },
  } as unknown as EventBus;
  return {
    bus,
    calls,
    releaseNext: async () => {
      release.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    },
    failFromNowOn: () => {
      fail = true;
    },
  };
}

const user = (i: number) => ({ userId: `u${i}`, username: `user${i}` });

describe('session announcer', () => {
  test('when events are announced while a publish is in flight, then they go out together, in order', async () => {
    const { bus, calls, releaseNext } = slowBus();
    const announcer = createSessionAnnouncer({
      eventBus: bus,
      instanceId: 'pod-a',
      leaseMs: 3_000,
      logger,
      snapshot: () => [],
    });
    announcer.announce({
      type: 'user.connected',
      data: { instanceId: 'pod-a', ...user(1), leaseMs: 3_000 },
    });
    announcer.announce({ type: 'user.disconnected', data: { instanceId: 'pod-a', userId: 'u1' } });
    announcer.announce({
      type: 'user.connected',
      data: { instanceId: 'pod-a', ...user(1), leaseMs: 3_000 },
    });
    expect(calls).toHaveLength(1);
    await releaseNext();
    expect(calls).toHaveLength(2);
    expect(calls[1]?.map((i) => i.type)).toEqual(['user.disconnected', 'user.connected']);
    expect(calls.flat().every((i) => i.key === 'pod-a')).toBe(true);
    await releaseNext();
    await announcer.flush();
  });

  test('when a publish fails, then the announcer carries on with the next ones', async () => {
    const { bus, calls, releaseNext, failFromNowOn } = slowBus();
    const announcer = createSessionAnnouncer({
      eventBus: bus,
      instanceId: 'pod-a',
      leaseMs: 3_000,
      logger,
      snapshot: () => [],
    });
    failFromNowOn();
    announcer.heartbeat([user(1)]);
    announcer.heartbeat([user(2)]);
    await releaseNext();
    await releaseNext();
    await announcer.flush();
    expect(calls).toHaveLength(2);
  });

  test('when the backlog grows too long, then it is replaced by one snapshot', async () => {
    const { bus, calls, releaseNext } = slowBus();
    const announcer = createSessionAnnouncer({
      eventBus: bus,
      instanceId: 'pod-a',
      leaseMs: 3_000,
      logger,
      snapshot: () => [user(7)],
      maxQueued: 5,
    });
    announcer.announce({ type: 'process.started', data: { instanceId: 'pod-a', leaseMs: 3_000 } });
    for (let i = 0; i < 10; i += 1) {
      announcer.announce({
        type: 'user.connected',
        data: { instanceId: 'pod-a', ...user(i), leaseMs: 3_000 },
      });
    }
    await releaseNext();
    // The first six collapsed into a snapshot (taken then); the four after it still follow it.
    const backlog = calls[1] ?? [];
    expect(backlog.map((i) => i.type)).toEqual([
      'process.heartbeat',
      'user.connected',
      'user.connected',
      'user.connected',
      'user.connected',
    ]);
    expect(backlog[0]).toMatchObject({ data: { users: [user(7)] } });
    await releaseNext();
    await announcer.flush();
  });

  test('when a snapshot is large, then it is split into chunks of one heartbeat', () => {
    const users = Array.from({ length: HEARTBEAT_CHUNK_MAX_USERS * 2 + 1 }, (_, i) => user(i));
    const chunks = heartbeatAnnouncements('pod-a', 3_000, users);
    expect(chunks).toHaveLength(3);
    const ids = new Set(
      chunks.map((c) => (c.type === 'process.heartbeat' ? c.data.heartbeatId : '')),
    );
    expect(ids.size).toBe(1);
    expect(
      chunks.map((c) =>
        c.type === 'process.heartbeat' ? [c.data.chunk, c.data.chunks, c.data.users.length] : [],
      ),
    ).toEqual([
      [0, 3, HEARTBEAT_CHUNK_MAX_USERS],
      [1, 3, HEARTBEAT_CHUNK_MAX_USERS],
      [2, 3, 1],
    ]);
    // Each chunk is a valid event (the bus validates on publish and on consume).
    for (const chunk of chunks) {
      expect(chatSessionsTopic.events[chunk.type].safeParse(chunk.data).success).toBe(true);
    }
  });

  test('when nobody is connected, then the heartbeat is one empty chunk (proof of life)', () => {
    const [only, ...rest] = heartbeatAnnouncements('pod-a', 3_000, []);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({
      type: 'process.heartbeat',
      data: { chunk: 0, chunks: 1, users: [] },
    });
  });
});
