// Storing and reading messages. `send` is the heart of "acknowledged means never lost": one
// transaction assigns the room's next seq and inserts the row, and only a committed message is
// returned, so the caller acks and broadcasts exactly what is stored.
//
// Reading: Postgres holds each room's newest messages, the archive (when configured) the older
// ones. The mover keeps that split at one seq per room (it moves a room's oldest messages, in seq
// order), so whatever Postgres has below a point is the whole of it there, and anything older is
// in the archive. History and replay read Postgres first and continue into the archive only for
// seqs below the oldest one Postgres holds: a client cannot tell where the boundary is.
import { sql, type Kysely } from 'kysely';
import type { ChatMessage } from '@falablau/common/contracts';
import type { ArchivedHistory } from '../archive/archived-history.js';
import { isPgViolation, PG_UNIQUE_VIOLATION } from '../db/pg-errors.js';
import type { ChatDb, MessageRow } from '../db/schema.js';
import { isRoomId, roomErrors } from '../rooms/room.errors.js';
import { encodeHistoryCursor } from './history-cursor.js';
import { messageErrors } from './message.errors.js';
import type { MessageMetrics } from './message.metrics.js';

export interface SendMessageInput {
  roomId: string;
  userId: string;
  username: string;
  /** Already validated and trimmed (messageTextSchema). */
  text: string;
  clientMsgId: string;
}

export interface MessageService {
  /** 403 NOT_A_MEMBER if the user is not a member, 404 ROOM_NOT_FOUND; a retry returns the stored one. */
  send(input: SendMessageInput): Promise<{ message: ChatMessage; duplicate: boolean }>;
  /** Newest first, seq < before; `nextCursor` (pass it back as `before`) while older ones exist. */
  history(
    roomId: string,
    opts: { before?: number; limit: number },
  ): Promise<{ messages: ChatMessage[]; nextCursor: string | null }>;
  /** Oldest first, seq > afterSeq: what a reconnecting client missed. */
  since(
    roomId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ messages: ChatMessage[]; hasMore: boolean }>;
}

export interface MessageServiceOptions {
  db: Kysely<ChatDb>;
  metrics: MessageMetrics;
  /** Called after each newly stored message committed (e.g. to wake the outbox relay). */
  afterStore?: (message: ChatMessage) => void;
  /** Where messages older than Postgres holds are; absent = Postgres is all there is. */
  archive?: ArchivedHistory;
}

/** The largest page `history` and `since` serve (join_room replays up to 1000). */
export const MAX_PAGE = 1000;

/** The most messages stored by one statement (4,000 characters each at most: ≤ 1 MB). */
export const MAX_SEND_BATCH = 250;

const columns = ['id', 'room_id', 'seq', 'user_id', 'username', 'text', 'created_at'] as const;
type StoredMessage = Pick<MessageRow, (typeof columns)[number]>;

export function toChatMessage(row: StoredMessage): ChatMessage {
  return {
    id: row.id,
    roomId: row.room_id,
    seq: Number(row.seq),
    userId: row.user_id,
    username: row.username,
    text: row.text,
    createdAt: row.created_at.toISOString(),
  };
}

function assertLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw messageErrors.badLimit(limit, MAX_PAGE);
  }
}

export function createMessageService({
  db,
  metrics,
  afterStore,
  archive,
}: MessageServiceOptions): MessageService {
  const findByClientMsgId = (userId: string, clientMsgId: string) =>
    db
      .selectFrom('messages')
      .select(columns)
      .where('user_id', '=', userId)
      .where('client_msg_id', '=', clientMsgId)
      .executeTakeFirst();

  /** The room's newest seq (it stays in `rooms` when old messages leave); 404 if no such room. */
  async function lastSeqOf(roomId: string): Promise<number> {
    const room = await db
      .selectFrom('rooms')
      .select('last_seq')
      .where('id', '=', roomId)
      .executeTakeFirst();
    if (!room) throw roomErrors.notFound(roomId);
    return Number(room.last_seq);
  }

  function answerRetry(stored: StoredMessage, input: SendMessageInput) {
    if (stored.room_id !== input.roomId) throw messageErrors.clientMsgIdReused(input.clientMsgId);
    metrics.duplicates.inc();
    return { message: toChatMessage(stored), duplicate: true };
  }

  /**
   * Assigns the next seq and inserts one message in ONE statement: one round trip, its own
   * transaction. The update's row lock orders concurrent senders of the room until commit (each
   * sees the previous one's seq), and membership is checked in the same statement. A clientMsgId
   * this user already used fails the insert on its unique index, which aborts the whole statement,
   * seq increment included: a retry never takes a seq, so seqs stay gap-free. Undefined when the
   * user is not a member of the room (or there is no such room).
   */
  async function insertOne(input: SendMessageInput): Promise<StoredMessage | undefined> {
    const { rows } = await sql<StoredMessage>`
      with bumped as (
        update rooms set last_seq = last_seq + 1
        where id = ${input.roomId}::uuid
          and exists (
            select 1 from room_members
            where room_members.room_id = ${input.roomId}::uuid
              and room_members.user_id = ${input.userId}
          )
        returning last_seq
      )
      insert into messages (room_id, seq, user_id, username, text, client_msg_id, published_at)
      select ${input.roomId}::uuid, last_seq, ${input.userId}, ${input.username}, ${input.text},
        ${input.clientMsgId}, null
      from bumped
      returning ${sql.join(columns.map((c) => sql.ref(c)))}`.execute(db);
    return rows[0];
  }

  /**
   * The same for several messages in ONE statement (group commit): each room's row is locked
   * once, in room-id order (so two batches, on two replicas, cannot deadlock), its last_seq
   * raised by the number of its messages, and the messages numbered in arrival order. Messages
   * of non-members are left out (no row comes back for them). One clientMsgId already used aborts
   * the whole statement, as for one message. Rows come back with their client_msg_id.
   */
  async function insertMany(inputs: SendMessageInput[]) {
    const json = JSON.stringify(
      inputs.map((m, ord) => ({
        ord,
        room_id: m.roomId,
        user_id: m.userId,
        username: m.username,
        text: m.text,
        client_msg_id: m.clientMsgId,
      })),
    );
    const { rows } = await sql<StoredMessage & { client_msg_id: string }>`
      with input as (
        select * from json_to_recordset(${json}::json) as t(
          ord int, room_id uuid, user_id text, username text, text text, client_msg_id text)
      ),
      allowed as (
        select input.* from input
        where exists (
          select 1 from room_members
          where room_members.room_id = input.room_id and room_members.user_id = input.user_id
        )
      ),
      counts as (select room_id, count(*) as n from allowed group by room_id),
      locked as (
        select rooms.id from rooms join counts on counts.room_id = rooms.id
        order by rooms.id
        for update of rooms
      ),
      bumped as (
        update rooms set last_seq = rooms.last_seq + counts.n
        from counts, locked
        where rooms.id = counts.room_id and locked.id = rooms.id
        returning rooms.id, rooms.last_seq, counts.n
      ),
      numbered as (
        select allowed.*,
          bumped.last_seq - bumped.n
            + row_number() over (partition by allowed.room_id order by allowed.ord) as seq
        from allowed join bumped on bumped.id = allowed.room_id
      )
      insert into messages (room_id, seq, user_id, username, text, client_msg_id, published_at)
      select room_id, seq, user_id, username, text, client_msg_id, null from numbered
      order by ord
      returning ${sql.join([...columns, 'client_msg_id'].map((c) => sql.ref(c)))}`.execute(db);
    return rows;
  }

  // Group commit. Sends are stored one statement at a time per process: a send that arrives
  // while a statement is in flight waits for it and goes with everything else that arrived
  // meanwhile, in the next one. Alone, a message is stored at once (insertOne); under load one
  // statement, one round trip and one commit serve many — per-statement costs (the round trip's
  // system calls on both sides, parse, plan, commit) dominated the send path in the profiles.
  interface Queued {
    input: SendMessageInput;
    resolve: (row: StoredMessage | undefined) => void;
    reject: (error: unknown) => void;
  }
  let queue: Queued[] = [];
  let flushing = false;

  async function storeBatch(batch: Queued[]): Promise<void> {
    const one = async (q: Queued) => {
      try {
        q.resolve(await insertOne(q.input));
      } catch (error) {
        q.reject(error);
      }
    };
    const [first] = batch;
    if (batch.length === 1 && first) return one(first);
    let rows: Awaited<ReturnType<typeof insertMany>>;
    try {
      rows = await insertMany(batch.map((q) => q.input));
    } catch (error) {
      // A retry in the batch (a clientMsgId already used, or twice in it): nothing was stored;
      // each message then goes alone, and each statement answers for its own.
      if (isPgViolation(error, PG_UNIQUE_VIOLATION)) {
        await Promise.all(batch.map(one));
        return;
      }
      for (const q of batch) q.reject(error);
      return;
    }
    const key = (userId: string, clientMsgId: string) => `${userId}\u0000${clientMsgId}`;
    const stored = new Map(rows.map((row) => [key(row.user_id, row.client_msg_id), row]));
    for (const q of batch) q.resolve(stored.get(key(q.input.userId, q.input.clientMsgId)));
  }

  async function flush(): Promise<void> {
    flushing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, MAX_SEND_BATCH);
        queue = queue.slice(batch.length);
        await storeBatch(batch);
      }
    } finally {
      flushing = false;
    }
  }

  /** Stores a message (alone or in a batch); undefined when the user is not a member. */
  function insert(input: SendMessageInput): Promise<StoredMessage | undefined> {
    return new Promise((resolve, reject) => {
      queue.push({ input, resolve, reject });
      if (!flushing) void flush();
    });
  }

  return {
    async send(input) {
      if (!isRoomId(input.roomId)) throw roomErrors.notFound(input.roomId);
      const stopTimer = metrics.storeDuration.startTimer();
      let stored: StoredMessage | undefined;
      try {
        stored = await insert(input);
      } catch (error) {
        // This user's clientMsgId is taken: a retry (perhaps racing the original, which Postgres
        // waited for). Nothing was stored and no seq used; answer with the stored message.
        if (!isPgViolation(error, PG_UNIQUE_VIOLATION)) throw error;
        const earlier = await findByClientMsgId(input.userId, input.clientMsgId);
        if (!earlier) throw error;
        return answerRetry(earlier, input);
      }
      if (!stored) {
        // Not stored: not a member (any more), or no such room — unless this is the retry of a
        // message stored before the user left, which is answered like any retry.
        const earlier = await findByClientMsgId(input.userId, input.clientMsgId);
        if (earlier) return answerRetry(earlier, input);
        await lastSeqOf(input.roomId); // 404 when there is no such room
        throw roomErrors.notAMember(input.roomId);
      }
      stopTimer();
      metrics.received.inc();
      const message = toChatMessage(stored);
      afterStore?.(message);
      return { message, duplicate: false };
    },

    async history(roomId, { before, limit }) {
      assertLimit(limit);
      if (!isRoomId(roomId)) throw roomErrors.notFound(roomId);
      let query = db.selectFrom('messages').select(columns).where('room_id', '=', roomId);
      if (before !== undefined) query = query.where('seq', '<', String(before));
      // One extra row tells whether an older page exists.
      const rows = await query
        .orderBy('seq', 'desc')
        .limit(limit + 1)
        .execute();
      const hot = rows.slice(0, limit).map(toChatMessage);
      const oldestHot = hot.at(-1);
      if (rows.length > limit && oldestHot) {
        return { messages: hot, nextCursor: encodeHistoryCursor(oldestHot.seq) };
      }
      // Postgres has nothing older than `rows`. Seqs below the oldest it has (or below
      // last_seq + 1 when it has none under `before`) went to the archive, if they were ever used.
      const below = oldestHot
        ? oldestHot.seq
        : Math.min(before ?? Number.MAX_SAFE_INTEGER, (await lastSeqOf(roomId)) + 1);
      if (!archive || below <= 1) return { messages: hot, nextCursor: null };
      const wanted = limit - hot.length;
      // A full page: the archive is read for the next one (this one answers even if it is down).
      if (wanted === 0) return { messages: hot, nextCursor: encodeHistoryCursor(below) };
      const older = await archive.before(roomId, below, wanted);
      const messages = [...hot, ...older.messages];
      const oldest = messages.at(-1);
      return {
        messages,
        nextCursor: older.hasMore && oldest ? encodeHistoryCursor(oldest.seq) : null,
      };
    },

    async since(roomId, afterSeq, limit) {
      assertLimit(limit);
      if (!isRoomId(roomId)) throw roomErrors.notFound(roomId);
      const rows = await db
        .selectFrom('messages')
        .select(columns)
        .where('room_id', '=', roomId)
        .where('seq', '>', String(afterSeq))
        .orderBy('seq', 'asc')
        .limit(limit + 1)
        .execute();
      const hot = {
        messages: rows.slice(0, limit).map(toChatMessage),
        hasMore: rows.length > limit,
      };
      // The oldest seq Postgres holds above afterSeq; with none, everything up to last_seq left.
      const firstHot = hot.messages[0]?.seq ?? (await lastSeqOf(roomId)) + 1;
      if (!archive || firstHot <= afterSeq + 1) return hot;
      // Missed messages older than Postgres holds: the archive's first, then Postgres's.
      const older = await archive.between(roomId, afterSeq, firstHot, limit);
      if (older.hasMore) return older;
      const messages = [...older.messages, ...hot.messages];
      return {
        messages: messages.slice(0, limit),
        hasMore: hot.hasMore || messages.length > limit,
      };
    },
  };
}
