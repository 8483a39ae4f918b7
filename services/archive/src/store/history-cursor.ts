// The `cursor` of the history endpoints: opaque to clients (base64url of a small JSON), stable
// under concurrent inserts because it names a position in the order, not an offset. Room history
// is ordered by seq, so its cursor is the last seq served; user history by (createdAt, id), so
// its cursor is both. The kind is part of the cursor: one from a room page is refused by the
// user endpoint. Decoding is strict; a cursor we did not issue is a 400, never a query.
import { z } from 'zod';
import type { ChatMessage } from '@falablau/common/contracts';
import type { UserPosition } from './archive-store.js';

/** Longest cursor accepted; ours are well under 120 characters. */
export const MAX_CURSOR_LENGTH = 256;

const roomCursorSchema = z.strictObject({
  k: z.literal('r'),
  s: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
});

const userCursorSchema = z.strictObject({
  k: z.literal('u'),
  /** createdAt in epoch milliseconds */
  t: z.int().min(0).max(8.64e15),
  i: z.uuid(),
});

const base64url = /^[A-Za-z0-9_-]+$/;

function encode(value: z.input<typeof roomCursorSchema> | z.input<typeof userCursorSchema>) {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decode<S extends z.ZodType>(schema: S, cursor: string): z.output<S> | undefined {
  if (cursor.length > MAX_CURSOR_LENGTH || !base64url.test(cursor)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

export function encodeRoomCursor(last: Pick<ChatMessage, 'seq'>): string {
  return encode({ k: 'r', s: last.seq });
}

/** The seq to continue below, or undefined when the string is not a room cursor we issued. */
export function decodeRoomCursor(cursor: string): number | undefined {
  return decode(roomCursorSchema, cursor)?.s;
}

export function encodeUserCursor(last: Pick<ChatMessage, 'createdAt' | 'id'>): string {
  return encode({ k: 'u', t: Date.parse(last.createdAt), i: last.id });
}

/** The position to continue after, or undefined when the string is not a user cursor we issued. */
export function decodeUserCursor(cursor: string): UserPosition | undefined {
  const decoded = decode(userCursorSchema, cursor);
  return decoded === undefined ? undefined : { createdAt: new Date(decoded.t), id: decoded.i };
}
