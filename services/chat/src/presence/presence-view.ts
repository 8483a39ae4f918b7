// The cluster-wide online view one process builds from chat.sessions.v1: which process holds
// sockets of which users. A user is online while at least one live process holds them. Pure
// bookkeeping (the clock is passed in), so every rule of the protocol is unit-tested here.
import type { ChatSessionsTopic } from '@falablau/common';
import type { PresenceEvent } from '@falablau/common/contracts';
import type { z } from 'zod';

type SessionEvents = ChatSessionsTopic['events'];
/** One consumed chat.sessions.v1 event (the bus's envelope fits this shape). */
export type SessionsEvent = {
  [K in keyof SessionEvents]: { type: K; data: z.output<SessionEvents[K]> };
}[keyof SessionEvents];

/** A user came online (first socket anywhere) or went offline (last socket anywhere gone). */
export type PresenceChange = PresenceEvent;

interface Snapshot {
  heartbeatId: string;
  chunks: number;
  received: Set<number>;
  users: Map<string, string>;
}

interface InstanceState {
  /** userId → username */
  users: Map<string, string>;
  lastSeenAt: number;
  leaseMs: number;
  /** A heartbeat whose chunks are still arriving. */
  snapshot?: Snapshot;
}

export interface PresenceViewOptions {
  /** This process: its own users come from setLocal, its echoes only prove the consumer works. */
  selfId: string;
  /** This process's lease; also how stale our own echo may be before we stop expiring others. */
  selfLeaseMs: number;
}

export interface PresenceView {
  /** Folds one event in; returns the online/offline transitions it caused. */
  apply(event: SessionsEvent, now: number): PresenceChange[];
  /** This process's own sockets (never expire). */
  setLocal(userId: string, username: string, present: boolean): PresenceChange[];
  /** Drops processes not heard from within their lease. */
  expire(now: number): PresenceChange[];
  isOnline(userId: string): boolean;
  onlineUsers(): number;
  /** Processes currently holding a lease, this one included. */
  instances(): number;
}

export function createPresenceView({ selfId, selfLeaseMs }: PresenceViewOptions): PresenceView {
  const instances = new Map<string, InstanceState>();
  /** userId → the processes holding them; a user is online while this set is non-empty. */
  const holders = new Map<string, { username: string; instances: Set<string> }>();
  let selfEchoAt: number | undefined;

  instances.set(selfId, { users: new Map(), lastSeenAt: 0, leaseMs: Number.POSITIVE_INFINITY });

  function add(
    instanceId: string,
    state: InstanceState,
    userId: string,
    username: string,
  ): PresenceChange[] {
    state.users.set(userId, username);
    const holder = holders.get(userId);
    if (holder) {
      holder.instances.add(instanceId);
      return [];
    }
    holders.set(userId, { username, instances: new Set([instanceId]) });
    return [{ userId, username, status: 'online' }];
  }

  function remove(instanceId: string, state: InstanceState, userId: string): PresenceChange[] {
    state.users.delete(userId);
    const holder = holders.get(userId);
    if (!holder?.instances.delete(instanceId) || holder.instances.size > 0) return [];
    holders.delete(userId);
    return [{ userId, username: holder.username, status: 'offline' }];
  }

  function touch(instanceId: string, now: number, leaseMs?: number): InstanceState {
    let state = instances.get(instanceId);
    if (!state) {
      state = { users: new Map(), lastSeenAt: now, leaseMs: leaseMs ?? selfLeaseMs };
      instances.set(instanceId, state);
    }
    state.lastSeenAt = now;
    if (leaseMs !== undefined) state.leaseMs = leaseMs;
    return state;
  }

  function drop(instanceId: string): PresenceChange[] {
    const state = instances.get(instanceId);
    if (!state) return [];
    instances.delete(instanceId);
    return [...state.users.keys()].flatMap((userId) => remove(instanceId, state, userId));
  }

  function heartbeat(
    state: InstanceState,
    instanceId: string,
    data: z.output<SessionEvents['process.heartbeat']>,
  ): PresenceChange[] {
    if (state.snapshot?.heartbeatId !== data.heartbeatId) {
      state.snapshot = {
        heartbeatId: data.heartbeatId,
        chunks: data.chunks,
        received: new Set(),
        users: new Map(),
      };
    }
    const snapshot = state.snapshot;
    snapshot.received.add(data.chunk);
    const changes: PresenceChange[] = [];
    // Users in a chunk are online now; who is *missing* is only known once all chunks are in.
    for (const { userId, username } of data.users) {
      snapshot.users.set(userId, username);
      changes.push(...add(instanceId, state, userId, username));
    }
    if (snapshot.received.size < snapshot.chunks) return changes;
    state.snapshot = undefined;
    for (const userId of [...state.users.keys()]) {
      if (!snapshot.users.has(userId)) changes.push(...remove(instanceId, state, userId));
    }
    return changes;
  }

  return {
    apply(event, now) {
      const { instanceId } = event.data;
      // Our own events come back through the log: proof that our consumer is keeping up.
      if (instanceId === selfId) {
        selfEchoAt = now;
        return [];
      }
      switch (event.type) {
        case 'process.started':
          touch(instanceId, now, event.data.leaseMs);
          return [];
        case 'user.connected': {
          const { userId, username, leaseMs } = event.data;
          const state = touch(instanceId, now, leaseMs);
          state.snapshot?.users.set(userId, username);
          return add(instanceId, state, userId, username);
        }
        case 'user.disconnected': {
          const state = touch(instanceId, now);
          state.snapshot?.users.delete(event.data.userId);
          return remove(instanceId, state, event.data.userId);
        }
        case 'process.heartbeat':
          return heartbeat(touch(instanceId, now, event.data.leaseMs), instanceId, event.data);
        case 'process.stopped':
          return drop(instanceId);
      }
    },

    setLocal(userId, username, present) {
      const self = instances.get(selfId);
      if (!self) return [];
      return present ? add(selfId, self, userId, username) : remove(selfId, self, userId);
    },

    expire(now) {
      // If our own heartbeats stopped coming back, the problem is our consumer (or Kafka), not
      // every other process: keep the view frozen rather than show the whole cluster offline.
      if (selfEchoAt === undefined || now - selfEchoAt > selfLeaseMs) return [];
      const changes: PresenceChange[] = [];
      for (const [instanceId, state] of instances) {
        if (instanceId !== selfId && now - state.lastSeenAt > state.leaseMs) {
          changes.push(...drop(instanceId));
        }
      }
      return changes;
    },

    isOnline: (userId) => holders.has(userId),
    onlineUsers: () => holders.size,
    instances: () => instances.size,
  };
}
