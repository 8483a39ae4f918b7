import { randomUUID } from 'node:crypto';
import type { RoomMember } from '@falablau/common/contracts';
import { createTestChatDb, type TestChatDb } from '../db/test-database.js';
import { createRoomService, type RoomService } from './room.service.js';

let database: TestChatDb;
let rooms: RoomService;

const member = (username: string): RoomMember => ({ userId: randomUUID(), username });
const uniqueName = (base: string) => `${base} ${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  database = await createTestChatDb('chat_rooms');
  rooms = createRoomService({ db: database.db, membershipCacheTtlMs: 5_000 });
});

afterAll(async () => {
  await database.drop();
});

describe('RoomService.create', () => {
  test('when a room is created, then the creator is its only member and it is listed', async () => {
    const alice = member('alice');
    const room = await rooms.create(alice, { name: uniqueName('General'), topic: 'Anything' });

    expect(room).toMatchObject({
      topic: 'Anything',
      createdBy: alice.userId,
      memberCount: 1,
      lastSeq: 0,
    });
    expect(new Date(room.createdAt).toISOString()).toBe(room.createdAt);
    await expect(rooms.members(room.id)).resolves.toEqual([alice]);
    await expect(rooms.isMember(room.id, alice.userId)).resolves.toBe(true);
    await expect(rooms.get(room.id)).resolves.toEqual(room);
    const listed = await rooms.list(randomUUID());
    expect(listed.find((r) => r.id === room.id)).toEqual(room);
  });

  test('when the topic is omitted or empty, then it is stored as null', async () => {
    const a = await rooms.create(member('a'), { name: uniqueName('No topic') });
    const b = await rooms.create(member('b'), { name: uniqueName('Empty topic'), topic: '' });
    expect([a.topic, b.topic]).toEqual([null, null]);
  });

  test('when a name differs from an existing one only in case, then 409 CONFLICT and nothing is stored', async () => {
    const name = uniqueName('Café Lounge');
    await rooms.create(member('a'), { name });
    const before = (await rooms.list('x')).length;

    await expect(rooms.create(member('b'), { name: name.toUpperCase() })).rejects.toMatchObject({
      statusCode: 409,
      code: 'CONFLICT',
    });
    expect(await rooms.list('x')).toHaveLength(before);
  });

  test('when two users create the same name at once, then exactly one succeeds', async () => {
    const name = uniqueName('race');
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => rooms.create(member(`u${i}`), { name })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 'rejected')) {
      expect(r.reason).toMatchObject({ code: 'CONFLICT' });
    }
  });

  test('when rooms are listed, then they come in case-insensitive name order', async () => {
    const suffix = randomUUID().slice(0, 8);
    await rooms.create(member('a'), { name: `zz-b ${suffix}` });
    await rooms.create(member('a'), { name: `ZZ-a ${suffix}` });
    const names = (await rooms.list('x')).map((r) => r.name).filter((n) => n.endsWith(suffix));
    expect(names).toEqual([`ZZ-a ${suffix}`, `zz-b ${suffix}`]);
  });
});

describe('RoomService.get', () => {
  test.each([
    ['an unknown id', randomUUID()],
    ['a malformed id', 'not-a-uuid'],
  ])('when the room has %s, then 404 ROOM_NOT_FOUND', async (_label, id) => {
    await expect(rooms.get(id)).rejects.toMatchObject({ statusCode: 404, code: 'ROOM_NOT_FOUND' });
  });
});

describe('RoomService.join and leave', () => {
  test('when a user joins twice, then the second join changes nothing', async () => {
    const room = await rooms.create(member('owner'), { name: uniqueName('join') });
    const bob = member('bob');

    const first = await rooms.join(room.id, bob);
    const second = await rooms.join(room.id, bob);

    expect(first.firstJoin).toBe(true);
    expect(second.firstJoin).toBe(false);
    expect(second.room.memberCount).toBe(2);
    expect((await rooms.members(room.id)).map((m) => m.username)).toEqual(['owner', 'bob']);
    await expect(rooms.roomIdsOf(bob.userId)).resolves.toEqual([room.id]);
  });

  test('when many joins of the same user race, then exactly one is the first', async () => {
    const room = await rooms.create(member('owner'), { name: uniqueName('join race') });
    const carol = member('carol');
    const results = await Promise.all(Array.from({ length: 10 }, () => rooms.join(room.id, carol)));
    expect(results.filter((r) => r.firstJoin)).toHaveLength(1);
    expect((await rooms.get(room.id)).memberCount).toBe(2);
  });

  test('when a member leaves, then wasMember is true once and the count drops', async () => {
    const owner = member('owner');
    const room = await rooms.create(owner, { name: uniqueName('leave') });
    const dave = member('dave');
    await rooms.join(room.id, dave);

    await expect(rooms.leave(room.id, dave.userId)).resolves.toEqual({ wasMember: true });
    await expect(rooms.leave(room.id, dave.userId)).resolves.toEqual({ wasMember: false });
    expect((await rooms.get(room.id)).memberCount).toBe(1);
    await expect(rooms.roomIdsOf(dave.userId)).resolves.toEqual([]);
  });

  test('when every member has left, then members() is empty rather than 404', async () => {
    const owner = member('owner');
    const room = await rooms.create(owner, { name: uniqueName('empty') });
    await rooms.leave(room.id, owner.userId);
    await expect(rooms.members(room.id)).resolves.toEqual([]);
  });

  test.each([
    ['join', () => rooms.join(randomUUID(), member('x'))],
    ['leave', () => rooms.leave(randomUUID(), 'x')],
    ['members', () => rooms.members(randomUUID())],
    ['join (malformed id)', () => rooms.join('1; drop table rooms', member('x'))],
  ])('when %s names an unknown room, then 404 ROOM_NOT_FOUND', async (_label, call) => {
    await expect(call()).rejects.toMatchObject({ statusCode: 404, code: 'ROOM_NOT_FOUND' });
  });

  test('when member ids of several rooms are asked, then each room gets its own', async () => {
    const a = member('a');
    const b = member('b');
    const r1 = await rooms.create(a, { name: uniqueName('ids 1') });
    const r2 = await rooms.create(b, { name: uniqueName('ids 2') });
    await rooms.join(r1.id, b);
    const unknown = randomUUID();

    const byRoom = await rooms.memberIdsByRoom([r1.id, r2.id, unknown]);

    expect(byRoom.get(r1.id)?.sort()).toEqual([a.userId, b.userId].sort());
    expect(byRoom.get(r2.id)).toEqual([b.userId]);
    expect(byRoom.get(unknown)).toEqual([]);
  });
});

describe('RoomService.isMember cache', () => {
  test('when membership changes on this process, then isMember reflects it at once', async () => {
    const room = await rooms.create(member('owner'), { name: uniqueName('cache local') });
    const erin = member('erin');

    await expect(rooms.isMember(room.id, erin.userId)).resolves.toBe(false);
    await rooms.join(room.id, erin);
    await expect(rooms.isMember(room.id, erin.userId)).resolves.toBe(true);
    await rooms.leave(room.id, erin.userId);
    await expect(rooms.isMember(room.id, erin.userId)).resolves.toBe(false);
  });

  test('when membership changes on another process, then this one sees it within the TTL', async () => {
    const ttlMs = 300;
    const here = createRoomService({ db: database.db, membershipCacheTtlMs: ttlMs });
    const elsewhere = createRoomService({ db: database.db, membershipCacheTtlMs: ttlMs });
    const room = await here.create(member('owner'), { name: uniqueName('cache remote') });
    const frank = member('frank');

    await expect(here.isMember(room.id, frank.userId)).resolves.toBe(false);
    await elsewhere.join(room.id, frank);
    // Cached: the other process's join is not visible yet...
    await expect(here.isMember(room.id, frank.userId)).resolves.toBe(false);
    await new Promise((resolve) => setTimeout(resolve, ttlMs + 50));
    // ...and is once the entry expired.
    await expect(here.isMember(room.id, frank.userId)).resolves.toBe(true);
  });

  test('when the room id is malformed, then isMember is false without a query error', async () => {
    await expect(rooms.isMember('nope', 'x')).resolves.toBe(false);
  });
});
