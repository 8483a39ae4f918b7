// The chat wire contract, shared by chat-service, archive-service and the web app: one zod schema
// per payload validates at the edge and types the code on both sides. Zod only — this module is
// imported by the browser bundle too.
import { z } from 'zod';

export const roomIdSchema = z.uuid({ error: 'roomId must be a room id (UUID)' });
export const seqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A stored chat message: what `send_message` acks, `message` broadcasts and history returns. */
export const chatMessageSchema = z.object({
  id: z.uuid(),
  roomId: z.uuid(),
  /** Position in the room, 1, 2, 3…: gap-free, assigned in the insert transaction. */
  seq: z.number().int().positive(),
  userId: z.string().min(1),
  username: z.string().min(1),
  text: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

export const roomSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  topic: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.iso.datetime({ offset: true }),
  memberCount: z.number().int().min(0),
  onlineCount: z.number().int().min(0),
  /** The newest message's seq (0 when empty): clients compare it with what they have seen. */
  lastSeq: z.number().int().min(0),
});
export type Room = z.infer<typeof roomSchema>;

/**
 * Text that Postgres can store: its `text` type cannot hold U+0000 (the insert fails with
 * "invalid byte sequence"), so NUL is refused at the edge with a 400 instead of a 500.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what it refuses
export const WITHOUT_NUL = /^[^\u0000]*$/;
const nulMessage = 'must not contain NUL (U+0000) characters';

export const roomNameSchema = z
  .string()
  .trim()
  .min(1, 'Room name must not be empty')
  .max(64, 'Room name must be at most 64 characters')
  .regex(WITHOUT_NUL, `Room name ${nulMessage}`);

export const createRoomBodySchema = z.strictObject({
  name: roomNameSchema,
  topic: z
    .string()
    .trim()
    .max(256, 'Topic must be at most 256 characters')
    .regex(WITHOUT_NUL, `Topic ${nulMessage}`)
    .optional(),
});

export const messageTextSchema = z
  .string()
  .trim()
  .min(1, 'Message must not be empty')
  .max(4000, 'Message must be at most 4000 characters')
  .regex(WITHOUT_NUL, `Message ${nulMessage}`);

/** Client-chosen idempotency key: a retry with the same key returns the same message. */
export const clientMsgIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w-]+$/, 'clientMsgId may contain letters, digits, _ and - only');

export const joinRoomPayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  /** The last seq the client has: the ack's `missed` holds everything after it. */
  afterSeq: seqSchema.optional(),
});
export const leaveRoomPayloadSchema = z.strictObject({ roomId: roomIdSchema });
export const sendMessagePayloadSchema = z.strictObject({
  roomId: roomIdSchema,
  text: messageTextSchema,
  clientMsgId: clientMsgIdSchema,
});
export const typingPayloadSchema = z.strictObject({ roomId: roomIdSchema, isTyping: z.boolean() });

export type JoinRoomPayload = z.infer<typeof joinRoomPayloadSchema>;
export type LeaveRoomPayload = z.infer<typeof leaveRoomPayloadSchema>;
export type SendMessagePayload = z.infer<typeof sendMessagePayloadSchema>;
export type TypingPayload = z.infer<typeof typingPayloadSchema>;

export const presenceStatusSchema = z.enum(['online', 'offline']);
export interface RoomMember {
  userId: string;
  username: string;
}
