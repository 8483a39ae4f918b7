// chat pod ↔ chat pod: who is connected where. Every chat process announces the users it holds
// sockets for, and every process folds these events into the cluster-wide online view. Keyed by
// the announcing process's instance id, so one process's events stay in order (one partition).
//
// The protocol is a lease: a process that stops sending (crash, partition) for `leaseMs` is
// presumed dead and its users are dropped. A heartbeat is a full snapshot, so a lost or skipped
// event is repaired by the next one. Schemas are open (`z.object`) so a newer producer may add
// fields without older consumers dead-lettering its events.
import { z } from 'zod';
import { defineTopic } from '../events/topic.js';

const instanceIdSchema = z.string().min(1).max(128);
/** How long receivers keep this process's users without hearing from it. */
const leaseMsSchema = z.int().positive().max(3_600_000);

export const presenceUserSchema = z.object({
  userId: z.string().min(1).max(128),
  username: z.string().min(1).max(128),
});
export type PresenceUser = z.infer<typeof presenceUserSchema>;

/** Most users one heartbeat message carries; bigger snapshots are split into chunks. */
export const HEARTBEAT_CHUNK_MAX_USERS = 1000;

export const chatSessionsTopic = defineTopic('chat.sessions.v1', {
  /** The process started: the others answer with a heartbeat, so it learns the view at once. */
  'process.started': z.object({ instanceId: instanceIdSchema, leaseMs: leaseMsSchema }),
  /** The user's first socket on this process connected. */
  'user.connected': presenceUserSchema.extend({
    instanceId: instanceIdSchema,
    leaseMs: leaseMsSchema,
  }),
  /** The user's last socket on this process is gone (after a short grace for reconnects). */
  'user.disconnected': z.object({ instanceId: instanceIdSchema, userId: z.string().min(1) }),
  /**
   * Everyone this process holds sockets for, as chunk `chunk` of `chunks`. Once all chunks of one
   * `heartbeatId` have arrived they replace what receivers knew about this process.
   */
  'process.heartbeat': z.object({
    instanceId: instanceIdSchema,
    heartbeatId: z.uuid(),
    chunk: z.int().min(0),
    chunks: z.int().min(1).max(10_000),
    leaseMs: leaseMsSchema,
    users: z.array(presenceUserSchema).max(HEARTBEAT_CHUNK_MAX_USERS),
  }),
  /** Goodbye: the process is shutting down, its users are no longer connected through it. */
  'process.stopped': z.object({ instanceId: instanceIdSchema }),
});

export type ChatSessionsTopic = typeof chatSessionsTopic;
