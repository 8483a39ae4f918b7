// Delivers presence transitions to the people who care: the members of the user's rooms. Every
// process holds the same view and emits to its own sockets only (no Redis hop), so a transition
// reaches each client exactly once. Room lists are cached briefly per user: a flapping
// connection must not cost a query per flap; joins and leaves on this process refresh at once.
import type { Logger } from '@falablau/common';
import type { RoomService } from '../rooms/room.service.js';
import { channels, type ChatServer } from '../realtime/socket-types.js';
import type { PresenceChange } from './presence-view.js';

export interface PresenceFanoutOptions {
  io: ChatServer;
  rooms: Pick<RoomService, 'roomIdsOf'>;
  logger: Logger;
  cacheTtlMs?: number;
  maxCached?: number;
  now?: () => number;
}

export interface PresenceFanout {
  publish(changes: readonly PresenceChange[]): void;
  /** The user joined or left a room here: their room list changed. */
  invalidate(userId: string): void;
}

export function createPresenceFanout({
  io,
  rooms,
  logger,
  cacheTtlMs = 10_000,
  maxCached = 50_000,
  now = Date.now,
}: PresenceFanoutOptions): PresenceFanout {
  const cache = new Map<string, { roomIds: string[]; expiresAt: number }>();
  /** The delivery in flight per user: an offline → online flap must arrive in that order. */
  const inFlight = new Map<string, Promise<void>>();

  async function roomIdsOf(userId: string): Promise<string[]> {
    const hit = cache.get(userId);
    if (hit && hit.expiresAt > now()) return hit.roomIds;
    const roomIds = await rooms.roomIdsOf(userId);
    cache.delete(userId);
    cache.set(userId, { roomIds, expiresAt: now() + cacheTtlMs });
    for (const oldest of cache.keys()) {
      if (cache.size <= maxCached) break;
      cache.delete(oldest);
    }
    return roomIds;
  }

  async function deliver(change: PresenceChange): Promise<void> {
    const roomIds = await roomIdsOf(change.userId);
    if (roomIds.length === 0) return;
    io.local.to(roomIds.map(channels.room)).emit('presence', change);
  }

  return {
    publish(changes) {
      // Nobody here to tell: skip the room lookups altogether.
      if (io.of('/').sockets.size === 0) return;
      for (const change of changes) {
        const previous = inFlight.get(change.userId) ?? Promise.resolve();
        const next = previous
          .then(() => deliver(change))
          .catch((error: unknown) => {
            logger.warn({ err: error, userId: change.userId }, 'presence fan-out failed');
          })
          .finally(() => {
            if (inFlight.get(change.userId) === next) inFlight.delete(change.userId);
          });
        inFlight.set(change.userId, next);
      }
    },
    invalidate(userId) {
      cache.delete(userId);
    },
  };
}
