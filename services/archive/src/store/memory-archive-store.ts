// An ArchiveStore in memory: the reference the contract suite is checked against, and a store
// for tests that are about something else (routes, retention). Nothing survives the process.
import type { ChatMessage } from '@falablau/common/contracts';
import {
  uniqueById,
  type ArchiveStore,
  type HistorySlice,
  type TimeRange,
  type UpsertResult,
} from './archive-store.js';

interface Stored {
  message: ChatMessage;
  createdAtMs: number;
}

function inRange(stored: Stored, { start, end }: TimeRange): boolean {
  return (
    (start === undefined || stored.createdAtMs >= start.getTime()) &&
    (end === undefined || stored.createdAtMs < end.getTime())
  );
}

function slice(sorted: Stored[], skip: number, limit: number): HistorySlice {
  const page = sorted.slice(skip, skip + limit + 1);
  return {
    messages: page.slice(0, limit).map((stored) => ({ ...stored.message })),
    hasMore: page.length > limit,
  };
}

export function createMemoryArchiveStore(): ArchiveStore {
  const byId = new Map<string, Stored>();
  const bySeat = new Map<string, string>();
  const seat = (roomId: string, seq: number) => `${roomId}\u0000${String(seq)}`;

  return {
    init: async () => ({ nativeExpiry: false }),

    upsertMany: async (messages) => {
      const { unique, repeats } = uniqueById(messages);
      const result: UpsertResult = { inserted: 0, duplicates: repeats, conflicts: [] };
      for (const message of unique) {
        if (byId.has(message.id)) {
          result.duplicates += 1;
          continue;
        }
        const key = seat(message.roomId, message.seq);
        if (bySeat.has(key)) {
          result.conflicts.push(message);
          continue;
        }
        const createdAtMs = Date.parse(message.createdAt);
        const createdAt = new Date(createdAtMs).toISOString();
        byId.set(message.id, { message: { ...message, createdAt }, createdAtMs });
        bySeat.set(key, message.id);
        result.inserted += 1;
      }
      return result;
    },

    byRoom: async (roomId, query) => {
      const matching = [...byId.values()]
        .filter(
          (s) =>
            s.message.roomId === roomId &&
            inRange(s, query) &&
            (query.beforeSeq === undefined || s.message.seq < query.beforeSeq) &&
            (query.afterSeq === undefined || s.message.seq > query.afterSeq),
        )
        .sort((a, b) => b.message.seq - a.message.seq);
      return slice(matching, query.skip ?? 0, query.limit);
    },

    byUser: async (userId, query) => {
      const { before } = query;
      const matching = [...byId.values()]
        .filter(
          (s) =>
            s.message.userId === userId &&
            inRange(s, query) &&
            (before === undefined ||
              s.createdAtMs < before.createdAt.getTime() ||
              (s.createdAtMs === before.createdAt.getTime() && s.message.id < before.id)),
        )
        .sort(
          (a, b) =>
            b.createdAtMs - a.createdAtMs ||
            (a.message.id < b.message.id ? 1 : a.message.id > b.message.id ? -1 : 0),
        );
      return slice(matching, query.skip ?? 0, query.limit);
    },

    deleteOlderThan: async (cutoff) => {
      let deleted = 0;
      for (const [id, stored] of byId) {
        if (stored.createdAtMs < cutoff.getTime()) {
          byId.delete(id);
          bySeat.delete(seat(stored.message.roomId, stored.message.seq));
          deleted += 1;
        }
      }
      return deleted;
    },

    ready: async () => undefined,
  };
}
