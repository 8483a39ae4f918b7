// Publishes this process's presence events on chat.sessions.v1, strictly in the order they were
// announced: a user.connected must never overtake the user.disconnected before it. Announcements
// queue while a publish is in flight and go out together in the next one (a burst of connects
// costs one round-trip, not one each). A failed publish is logged and dropped: the next
// heartbeat is a full snapshot and repairs whatever the others missed.
import { randomUUID } from 'node:crypto';
import {
  chatSessionsTopic,
  HEARTBEAT_CHUNK_MAX_USERS,
  type ChatSessionsTopic,
  type EventBus,
  type Logger,
  type PresenceUser,
} from '@falablau/common';
import type { z } from 'zod';

type SessionEvents = ChatSessionsTopic['events'];
export type Announcement = {
  [K in keyof SessionEvents]: { type: K; data: z.input<SessionEvents[K]> };
}[keyof SessionEvents];

export interface SessionAnnouncerOptions {
  eventBus: EventBus;
  instanceId: string;
  leaseMs: number;
  logger: Logger;
  /** The current local users, for the snapshot that replaces a backlog that grew too long. */
  snapshot: () => PresenceUser[];
  /** Queued announcements beyond which single events are replaced by one snapshot. */
  maxQueued?: number;
}

export interface SessionAnnouncer {
  announce(announcement: Announcement): void;
  /** Queues a full snapshot of `users` (chunked). */
  heartbeat(users: PresenceUser[]): void;
  /** Resolves when everything queued so far was published (or failed). */
  flush(): Promise<void>;
}

const publishBatchSize = 500;

export function heartbeatAnnouncements(
  instanceId: string,
  leaseMs: number,
  users: PresenceUser[],
): Announcement[] {
  const heartbeatId = randomUUID();
  const chunks = Math.max(1, Math.ceil(users.length / HEARTBEAT_CHUNK_MAX_USERS));
  return Array.from({ length: chunks }, (_, chunk) => ({
    type: 'process.heartbeat' as const,
    data: {
      instanceId,
      heartbeatId,
      chunk,
      chunks,
      leaseMs,
      users: users.slice(
        chunk * HEARTBEAT_CHUNK_MAX_USERS,
        (chunk + 1) * HEARTBEAT_CHUNK_MAX_USERS,
      ),
    },
  }));
}

export function createSessionAnnouncer({
  eventBus,
  instanceId,
  leaseMs,
  logger,
  snapshot,
  maxQueued = 10_000,
}: SessionAnnouncerOptions): SessionAnnouncer {
  let queue: Announcement[] = [];
  let draining: Promise<void> | undefined;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, publishBatchSize);
      try {
        await eventBus.publishMany(
          chatSessionsTopic,
          batch.map((item) => ({ ...item, key: instanceId })),
        );
      } catch (error) {
        logger.warn(
          { err: error, dropped: batch.length },
          'publishing presence events failed; the next heartbeat repairs the view',
        );
      }
    }
    draining = undefined;
  }

  function enqueue(items: Announcement[]): void {
    queue.push(...items);
    if (queue.length > maxQueued) {
      // Kafka is slow or away: a snapshot says the same as the backlog of single events.
      logger.warn({ queued: queue.length }, 'presence backlog replaced by a snapshot');
      const kept = queue.filter(
        (i) => i.type === 'process.started' || i.type === 'process.stopped',
      );
      queue = [...kept, ...heartbeatAnnouncements(instanceId, leaseMs, snapshot())];
    }
    draining ??= drain();
  }

  return {
    announce: (announcement) => {
      enqueue([announcement]);
    },
    heartbeat: (users) => {
      enqueue(heartbeatAnnouncements(instanceId, leaseMs, users));
    },
    flush: async () => {
      while (draining) await draining;
    },
  };
}
