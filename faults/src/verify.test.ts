// The verdict must catch every way a fault can break "acknowledged means never lost": a ledger
// that misses a message or sees a duplicate is reported, with what and where.
import { randomUUID } from 'node:crypto';
import { Ledger } from './ledger.js';
import { formatSeqs, verify, type StoredMessage, type VerifyInput } from './verify.js';

const room = randomUUID();
const alice = 'user-alice';
const bob = 'user-bob';

interface World {
  ledger: Ledger;
  postgres: StoredMessage[];
  archive: StoredMessage[];
}

/** `n` messages by alice in `room`, acknowledged, stored, archived, and received by both users. */
function healthyWorld(n: number): World {
  const ledger = new Ledger();
  const postgres: StoredMessage[] = [];
  for (let seq = 1; seq <= n; seq += 1) {
    const clientMsgId = `c${seq}`;
    const id = randomUUID();
    ledger.recordSend({
      clientMsgId,
      userId: alice,
      roomId: room,
      phase: 'kafka-restart',
      at: seq,
    });
    ledger.recordAttempt(clientMsgId);
    ledger.recordAck(clientMsgId, { id, roomId: room, seq }, seq);
    postgres.push({ id, roomId: room, seq, clientMsgId, published: true });
    ledger.view(alice, room).add({ id, roomId: room, seq }, seq);
    ledger.view(bob, room).add({ id, roomId: room, seq }, seq);
  }
  return { ledger, postgres, archive: postgres.map((m) => ({ ...m })) };
}

function check(world: World, overrides: Partial<VerifyInput> = {}) {
  return verify({
    sends: world.ledger.records(),
    postgres: world.postgres,
    archive: world.archive,
    archiveComplete: true,
    views: world.ledger.views(),
    ...overrides,
  });
}

const kinds = (result: ReturnType<typeof verify>) => result.findings.map((f) => f.kind);

describe('verify', () => {
  test('when everything acknowledged is stored once, archived and received, then ok with 0 lost', () => {
    const result = check(healthyWorld(5));
    expect(result).toMatchObject({ sent: 5, acknowledged: 5, lost: 0, duplicated: 0, gaps: 0 });
    expect(result.findings).toEqual([]);
    expect(result.ok).toBe(true);
  });

  test('when an acknowledged message is in neither store, then it is lost, naming it and its phase', () => {
    const world = healthyWorld(5);
    const gone = world.postgres.splice(2, 1)[0];
    world.archive = world.archive.filter((m) => m.id !== gone?.id);
    const result = check(world);
    expect(result.lost).toBe(1);
    expect(result.ok).toBe(false);
    const lost = result.findings.find((f) => f.kind === 'lost');
    expect(lost).toMatchObject({ messageId: gone?.id, clientMsgId: 'c3', phase: 'kafka-restart' });
    expect(lost?.detail).toMatch(/in neither Postgres nor the archive/);
    // Its seq is now a hole in the room, and the users hold a message the stores do not.
    expect(kinds(result)).toEqual(
      expect.arrayContaining(['lost', 'seq-hole', 'client-divergent']) as unknown,
    );
  });

  test('when an acknowledged message left Postgres but is in the archive, then it is not lost', () => {
    const world = healthyWorld(5);
    world.postgres.splice(0, 2);
    expect(check(world).ok).toBe(true);
  });

  test('when a retry is stored as a second row, then it is a duplicate', () => {
    const world = healthyWorld(3);
    const first = world.postgres[0];
    if (!first) throw new Error('no row');
    world.postgres.push({ ...first, id: randomUUID(), seq: 4 });
    const result = check(world, { archive: undefined });
    expect(result.duplicated).toBe(1);
    expect(result.findings.find((f) => f.kind === 'duplicated')?.detail).toMatch(
      /clientMsgId c1 is stored 2 times/,
    );
    // Seq 4 exists, so users who hold 1..3 have a gap.
    expect(result.gaps).toBe(2);
  });

  test('when one clientMsgId is acknowledged as two different messages, then it is a duplicate', () => {
    const world = healthyWorld(2);
    world.ledger.recordAck('c2', { id: randomUUID(), roomId: room, seq: 3 }, 10);
    const result = check(world);
    expect(result.duplicated).toBe(1);
    expect(result.findings[0]?.detail).toMatch(/acknowledged as message .* and again as/);
  });

  test('when the same ack arrives twice (a retry answered with the stored message), then no duplicate', () => {
    const world = healthyWorld(2);
    const acked = world.ledger.records()[1]?.ack;
    if (!acked) throw new Error('no ack');
    world.ledger.recordAck('c2', acked, 10);
    expect(check(world).ok).toBe(true);
  });

  test('when the archive holds an id twice or a seq under two ids, then duplicates', () => {
    const world = healthyWorld(3);
    const [a, b] = world.archive;
    if (!a || !b) throw new Error('no docs');
    world.archive.push({ ...a });
    world.archive.push({ ...b, id: randomUUID() });
    const result = check(world);
    expect(result.duplicated).toBe(2);
  });

  test('when the archive lacks an acknowledged message, then archive-missing (only when it should be complete)', () => {
    const world = healthyWorld(3);
    world.archive.pop();
    expect(kinds(check(world))).toEqual(['archive-missing']);
    expect(check(world, { archiveComplete: false }).ok).toBe(true);
  });

  test('when a message was never acknowledged, then unacknowledged (the service did not recover)', () => {
    const world = healthyWorld(2);
    world.ledger.recordSend({ clientMsgId: 'c9', userId: bob, roomId: room, phase: 'x', at: 1 });
    world.ledger.recordAttempt('c9');
    const result = check(world);
    expect(kinds(result)).toEqual(['unacknowledged']);
    expect(result.findings[0]?.detail).toMatch(/not acknowledged after 1 attempts/);
  });

  test('when a message was refused for good, then refused', () => {
    const world = healthyWorld(1);
    world.ledger.recordSend({ clientMsgId: 'c9', userId: bob, roomId: room, phase: 'x', at: 1 });
    world.ledger.recordRefusal('c9', 'VALIDATION_FAILED: nope');
    expect(kinds(check(world))).toEqual(['refused']);
  });

  test('when a stored row disagrees with its ack, then mismatch', () => {
    const world = healthyWorld(2);
    const row = world.postgres[1];
    if (!row) throw new Error('no row');
    row.clientMsgId = 'someone-else';
    const result = check(world, { archive: undefined });
    expect(kinds(result)).toEqual(expect.arrayContaining(['mismatch', 'unexpected']) as unknown);
  });

  test('when a user misses a seq, then a client gap naming the user, the room and the seqs', () => {
    const world = healthyWorld(4);
    const ledger = new Ledger();
    for (const record of world.ledger.records()) {
      ledger.recordSend({ ...record, at: record.createdAt });
      if (record.ack) ledger.recordAck(record.clientMsgId, record.ack, 1);
      if (record.ack && record.ack.seq !== 2 && record.ack.seq !== 3) {
        ledger.view(bob, room).add(record.ack, 1);
      }
    }
    const result = verify({
      sends: ledger.records(),
      postgres: world.postgres,
      archive: world.archive,
      archiveComplete: true,
      views: ledger.views(),
    });
    expect(result.gaps).toBe(1);
    expect(result.findings).toEqual([
      expect.objectContaining({
        kind: 'client-gap',
        userId: bob,
        roomId: room,
        detail: expect.stringContaining('lacks seqs 2-3 of 1..4') as unknown,
      }),
    ]);
  });

  test('when a user received one seq as two messages, then client-divergent', () => {
    const world = healthyWorld(2);
    world.ledger.view(bob, room).add({ id: randomUUID(), roomId: room, seq: 2 }, 5);
    expect(kinds(check(world))).toEqual(['client-divergent']);
  });
});

describe('formatSeqs', () => {
  test('ranges, capped', () => {
    expect(formatSeqs([1, 2, 3, 7, 9, 10])).toBe('1-3, 7, 9-10');
    expect(formatSeqs([1, 3, 5, 7], 2)).toBe('1, 3, …');
    expect(formatSeqs([])).toBe('');
  });
});
