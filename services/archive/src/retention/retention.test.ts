import { createLogger } from '@falablau/common';
import { Registry } from 'prom-client';
import { createArchiveMetrics } from '../archive.metrics.js';
import type { ArchiveStore } from '../store/archive-store.js';
import { createMemoryArchiveStore } from '../store/memory-archive-store.js';
import { makeMessage } from '../testing/messages.js';
import { createRetention, retentionCutoff } from './retention.js';

const logger = createLogger({ name: 'archive-test', level: 'silent' });
const DAY = 86_400_000;
const now = new Date('2026-01-31T12:00:00.000Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY).toISOString();

async function setup(store: ArchiveStore = createMemoryArchiveStore(), clock = () => now) {
  const registry = new Registry();
  const metrics = createArchiveMetrics(registry);
  const retention = createRetention({
    store,
    ttlDays: 30,
    sweepIntervalMs: 20,
    metrics,
    logger,
    now: clock,
  });
  return { store, retention, registry };
}

const waitUntil = async (predicate: () => Promise<boolean>) => {
  const deadline = Date.now() + 5_000;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('retention', () => {
  test('when the cutoff is computed, then it is ttlDays before now', () => {
    expect(retentionCutoff(now, 30).toISOString()).toBe('2026-01-01T12:00:00.000Z');
  });

  test('when cleanup runs without a date, then messages older than the TTL go and the count is returned', async () => {
    const { store, retention, registry } = await setup();
    const old = makeMessage({ createdAt: daysAgo(31) });
    const young = makeMessage({ createdAt: daysAgo(29) });
    await store.upsertMany([old, young]);
    expect(await retention.cleanup('request')).toEqual({
      deleted: 1,
      before: new Date('2026-01-01T12:00:00.000Z'),
    });
    expect((await store.byRoom(young.roomId, { limit: 1 })).messages).toHaveLength(1);
    expect(await registry.metrics()).toMatch(
      /archive_retention_deleted_total\{trigger="request"\} 1/,
    );
  });

  test('when cleanup is given an explicit date, then that cut applies instead', async () => {
    const { store, retention } = await setup();
    await store.upsertMany([
      makeMessage({ createdAt: daysAgo(3) }),
      makeMessage({ createdAt: daysAgo(1) }),
    ]);
    const before = new Date(daysAgo(2));
    expect(await retention.cleanup('request', before)).toEqual({ deleted: 1, before });
  });

  test('when the sweeper runs, then messages that age past the TTL are removed without a request', async () => {
    let clock = now;
    const { store, retention } = await setup(undefined, () => clock);
    const message = makeMessage({ createdAt: daysAgo(29) });
    await store.upsertMany([message]);
    retention.startSweeper();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect((await store.byRoom(message.roomId, { limit: 1 })).messages).toHaveLength(1);
    clock = new Date(now.getTime() + 2 * DAY);
    await waitUntil(
      async () => (await store.byRoom(message.roomId, { limit: 1 })).messages.length === 0,
    );
    await retention.stop();
  });

  test('when a sweep fails, then the sweeper keeps going and the next one succeeds', async () => {
    const inner = createMemoryArchiveStore();
    let failures = 2;
    const flaky: ArchiveStore = {
      ...inner,
      deleteOlderThan: async (cutoff) => {
        if (failures > 0) {
          failures -= 1;
          throw new Error('database unreachable');
        }
        return inner.deleteOlderThan(cutoff);
      },
    };
    const { retention } = await setup(flaky);
    const old = makeMessage({ createdAt: daysAgo(40) });
    await inner.upsertMany([old]);
    retention.startSweeper();
    await waitUntil(
      async () => (await inner.byRoom(old.roomId, { limit: 1 })).messages.length === 0,
    );
    expect(failures).toBe(0);
    await retention.stop();
  });
});
