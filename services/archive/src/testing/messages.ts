// Chat messages for tests and the measurement script, shaped like chat-service publishes them.
import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '@falablau/common/contracts';

export function makeMessage(overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: randomUUID(),
    roomId: randomUUID(),
    seq: 1,
    userId: randomUUID(),
    username: 'alice',
    text: 'hello',
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

export interface RoomMessagesOptions {
  roomId?: string;
  firstSeq?: number;
  /** Authors, used in turn (default: one random user). */
  userIds?: string[];
  /** createdAt of the first message (default: one hour ago). */
  from?: Date;
  /** Milliseconds between consecutive messages (0 = all at the same instant). Default 1000. */
  stepMs?: number;
}

/** `count` consecutive messages of one room: seq firstSeq…, createdAt from `from` on. */
export function roomMessages(count: number, options: RoomMessagesOptions = {}): ChatMessage[] {
  const roomId = options.roomId ?? randomUUID();
  const userIds = options.userIds ?? [randomUUID()];
  const firstSeq = options.firstSeq ?? 1;
  const from = (options.from ?? new Date(Date.now() - 3_600_000)).getTime();
  const stepMs = options.stepMs ?? 1000;
  return Array.from({ length: count }, (_, i) => {
    const userId = userIds[i % userIds.length] ?? randomUUID();
    return makeMessage({
      roomId,
      seq: firstSeq + i,
      userId,
      username: `user-${userId.slice(0, 8)}`,
      text: `message ${String(firstSeq + i)} in ${roomId.slice(0, 8)}`,
      createdAt: new Date(from + i * stepMs).toISOString(),
    });
  });
}
