// Rooms and membership on Postgres. Public rooms only for now: everyone signed in sees every room,
// and membership decides who may send to it (and whom presence and join notices concern).
import { sql, type Kysely } from 'kysely';
import type { RoomMember } from '@falablau/common/contracts';
import { isPgViolation, PG_FOREIGN_KEY_VIOLATION, PG_UNIQUE_VIOLATION } from '../db/pg-errors.js';
import type { ChatDb, RoomRow } from '../db/schema.js';
import { createMembershipCache } from './membership-cache.js';
import { isRoomId, roomErrors } from './room.errors.js';

export interface RoomRecord {
  id: string;
  name: string;
  topic: string | null;
  createdBy: string;
  /** ISO-8601 */
  createdAt: string;
  memberCount: number;
  lastSeq: number;
}

export interface RoomService {
  /** 409 CONFLICT on a case-insensitive duplicate name; the creator becomes a member. */
  create(creator: RoomMember, input: { name: string; topic?: string }): Promise<RoomRecord>;
  /** AppError 404 ROOM_NOT_FOUND when it does not exist. */
  get(roomId: string): Promise<RoomRecord>;
  /** The rooms `userId` can see: every public room, by name. */
  list(userId: string): Promise<RoomRecord[]>;
  /** Idempotent; `firstJoin` is false when the member was already in. 404 for an unknown room. */
  join(roomId: string, member: RoomMember): Promise<{ room: RoomRecord; firstJoin: boolean }>;
  /** Idempotent; 404 for an unknown room. */
  leave(roomId: string, userId: string): Promise<{ wasMember: boolean }>;
  /** The hot path of send and typing: cached per process (see membership-cache.ts). */
  isMember(roomId: string, userId: string): Promise<boolean>;
  /** In the order they joined; 404 for an unknown room. */
  members(roomId: string): Promise<RoomMember[]>;
  roomIdsOf(userId: string): Promise<string[]>;
  /** Member ids of several rooms in one query (for the online counts of GET /rooms). */
  memberIdsByRoom(roomIds: readonly string[]): Promise<Map<string, string[]>>;
}

export interface RoomServiceOptions {
  db: Kysely<ChatDb>;
  membershipCacheTtlMs: number;
}

type RoomWithCount = RoomRow & { member_count: string };

function toRoomRecord(row: RoomWithCount): RoomRecord {
  return {
    id: row.id,
    name: row.name,
    topic: row.topic,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    memberCount: Number(row.member_count),
    lastSeq: Number(row.last_seq),
  };
}

export function createRoomService({ db, membershipCacheTtlMs }: RoomServiceOptions): RoomService {
  const cache = createMembershipCache({ ttlMs: membershipCacheTtlMs });

  const selectRooms = () =>
    db
      .selectFrom('rooms')
      .selectAll('rooms')
      .select(
        sql<string>`(select count(*) from room_members m where m.room_id = rooms.id)`.as(
          'member_count',
        ),
      );

  async function get(roomId: string): Promise<RoomRecord> {
    if (!isRoomId(roomId)) throw roomErrors.notFound(roomId);
    const row = await selectRooms().where('rooms.id', '=', roomId).executeTakeFirst();
    if (!row) throw roomErrors.notFound(roomId);
    return toRoomRecord(row);
  }

  async function assertExists(roomId: string): Promise<void> {
    const row = await db
      .selectFrom('rooms')
      .select('id')
      .where('id', '=', roomId)
      .executeTakeFirst();
    if (!row) throw roomErrors.notFound(roomId);
  }

  return {
    get,

    async create(creator, input) {
      const topic = input.topic === undefined || input.topic === '' ? null : input.topic;
      try {
        const row = await db.transaction().execute(async (trx) => {
          const room = await trx
            .insertInto('rooms')
            .values({ name: input.name, topic, created_by: creator.userId })
            .returningAll()
            .executeTakeFirstOrThrow();
          await trx
            .insertInto('room_members')
            .values({ room_id: room.id, user_id: creator.userId, username: creator.username })
            .execute();
          return room;
        });
        cache.set(row.id, creator.userId, true);
        return toRoomRecord({ ...row, member_count: '1' });
      } catch (error) {
        if (isPgViolation(error, PG_UNIQUE_VIOLATION, 'rooms_name_key_unique')) {
          throw roomErrors.nameTaken(input.name);
        }
        throw error;
      }
    },

    async list(_userId) {
      const rows = await selectRooms().orderBy('rooms.name_key').execute();
      return rows.map(toRoomRecord);
    },

    async join(roomId, member) {
      if (!isRoomId(roomId)) throw roomErrors.notFound(roomId);
      let inserted: { user_id: string } | undefined;
      try {
        inserted = await db
          .insertInto('room_members')
          .values({ room_id: roomId, user_id: member.userId, username: member.username })
          .onConflict((oc) => oc.columns(['room_id', 'user_id']).doNothing())
          .returning('user_id')
          .executeTakeFirst();
      } catch (error) {
        if (isPgViolation(error, PG_FOREIGN_KEY_VIOLATION)) throw roomErrors.notFound(roomId);
        throw error;
      }
      cache.set(roomId, member.userId, true);
      return { room: await get(roomId), firstJoin: inserted !== undefined };
    },

    async leave(roomId, userId) {
      if (!isRoomId(roomId)) throw roomErrors.notFound(roomId);
      const deleted = await db
        .deleteFrom('room_members')
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .returning('user_id')
        .executeTakeFirst();
      cache.set(roomId, userId, false);
      if (!deleted) await assertExists(roomId);
      return { wasMember: deleted !== undefined };
    },

    async isMember(roomId, userId) {
      if (!isRoomId(roomId)) return false;
      const cached = cache.get(roomId, userId);
      if (cached !== undefined) return cached;
      const row = await db
        .selectFrom('room_members')
        .select('user_id')
        .where('room_id', '=', roomId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      const isMember = row !== undefined;
      cache.set(roomId, userId, isMember);
      return isMember;
    },

    async members(roomId) {
      if (!isRoomId(roomId)) throw roomErrors.notFound(roomId);
      const rows = await db
        .selectFrom('room_members')
        .select(['user_id', 'username'])
        .where('room_id', '=', roomId)
        .orderBy('joined_at')
        .orderBy('user_id')
        .execute();
      // Every room has had its creator as a member, but members can all leave: check then.
      if (rows.length === 0) await assertExists(roomId);
      return rows.map((r) => ({ userId: r.user_id, username: r.username }));
    },

    async roomIdsOf(userId) {
      const rows = await db
        .selectFrom('room_members')
        .select('room_id')
        .where('user_id', '=', userId)
        .orderBy('joined_at')
        .execute();
      return rows.map((r) => r.room_id);
    },

    async memberIdsByRoom(roomIds) {
      const byRoom = new Map<string, string[]>(roomIds.map((id) => [id, []]));
      const ids = roomIds.filter(isRoomId);
      if (ids.length === 0) return byRoom;
      const rows = await db
        .selectFrom('room_members')
        .select(['room_id', 'user_id'])
        .where((eb) => eb('room_id', '=', eb.fn.any(eb.val(ids))))
        .execute();
      for (const row of rows) byRoom.get(row.room_id)?.push(row.user_id);
      return byRoom;
    },
  };
}
