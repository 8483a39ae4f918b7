// Cluster-wide presence over chat.sessions.v1 (the protocol is described in
// docs/chat-realtime.md): this process announces its users and a periodic snapshot, folds
// everyone's announcements into its view, and reports online/offline transitions to `onChange`.
import {
  chatSessionsTopic,
  type EventBus,
  type Logger,
  type PresenceUser,
  type Subscription,
} from '@falablau/common';
import { createLocalSessions } from './local-sessions.js';
import { ownGroupId } from './own-group.js';
import { createPresenceView, type PresenceChange } from './presence-view.js';
import { createSessionAnnouncer } from './session-announcer.js';

export interface PresenceOptions {
  eventBus: EventBus;
  instanceId: string;
  logger: Logger;
  heartbeatIntervalMs: number;
  /** Others drop our users when they have not heard from us for this long. */
  leaseMs: number;
  offlineGraceMs: number;
  /** Online/offline transitions, cluster-wide. Must not throw. */
  onChange: (changes: PresenceChange[]) => void;
  now?: () => number;
}

export interface Presence {
  /** Joins chat.sessions.v1 and starts heartbeats and expiry. */
  start(): Promise<void>;
  socketConnected(socketId: string, user: PresenceUser): void;
  socketDisconnected(socketId: string, userId: string): void;
  isOnline(userId: string): boolean;
  onlineCount(userIds: readonly string[]): number;
  /** Users online anywhere and processes holding a lease (this one included), for the gauges. */
  viewSize(): { onlineUsers: number; instances: number };
  /** Says goodbye (others drop our users at once) and stops heartbeats; the view stays readable. */
  announceStop(): Promise<void>;
  /** Leaves chat.sessions.v1. */
  close(): Promise<void>;
}

/** A goodbye that cannot be published within this long is given up: the lease expires instead. */
const goodbyeTimeoutMs = 3_000;

export function createPresence(options: PresenceOptions): Presence {
  const { eventBus, instanceId, logger, heartbeatIntervalMs, leaseMs } = options;
  const now = options.now ?? Date.now;
  const view = createPresenceView({ selfId: instanceId, selfLeaseMs: leaseMs });
  let subscription: Subscription | undefined;
  let timers: NodeJS.Timeout[] = [];
  let answerTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  function report(changes: PresenceChange[]): void {
    if (changes.length === 0) return;
    try {
      options.onChange(changes);
    } catch (error) {
      logger.error({ err: error }, 'presence change handler failed');
    }
  }

  const local = createLocalSessions({
    offlineGraceMs: options.offlineGraceMs,
    onPresent: (user) => {
      announcer.announce({ type: 'user.connected', data: { ...user, instanceId, leaseMs } });
      report(view.setLocal(user.userId, user.username, true));
    },
    onAbsent: (user) => {
      announcer.announce({ type: 'user.disconnected', data: { instanceId, userId: user.userId } });
      report(view.setLocal(user.userId, user.username, false));
    },
  });

  const announcer = createSessionAnnouncer({
    eventBus,
    instanceId,
    leaseMs,
    logger,
    snapshot: () => local.users(),
  });

  const heartbeat = (): void => {
    if (!stopped) announcer.heartbeat(local.users());
  };

  /** A new process asked for our users: answer soon, once for a burst of starts, with jitter. */
  function answerNewcomer(): void {
    answerTimer ??= setTimeout(
      () => {
        answerTimer = undefined;
        heartbeat();
      },
      Math.round(Math.random() * Math.min(500, heartbeatIntervalMs / 2)),
    );
  }

  async function announceStop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    for (const timer of timers) clearInterval(timer);
    clearTimeout(answerTimer);
    local.close();
    announcer.announce({ type: 'process.stopped', data: { instanceId } });
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      announcer.flush(),
      new Promise((resolve) => (timeout = setTimeout(resolve, goodbyeTimeoutMs))),
    ]);
    clearTimeout(timeout);
  }

  return {
    async start() {
      subscription = await eventBus.subscribe(chatSessionsTopic, {
        // Our own group and only new events: presence is live state, old events are stale.
        groupId: ownGroupId('chat-presence', instanceId),
        fromBeginning: false,
        handleBatch: async (events) => {
          const changes: PresenceChange[] = [];
          for (const event of events) {
            changes.push(...view.apply(event, now()));
            if (event.type === 'process.started' && event.data.instanceId !== instanceId) {
              answerNewcomer();
            }
          }
          report(changes);
        },
      });
      announcer.announce({ type: 'process.started', data: { instanceId, leaseMs } });
      heartbeat();
      const sweepMs = Math.max(100, Math.min(1_000, Math.floor(leaseMs / 4)));
      timers = [
        setInterval(heartbeat, heartbeatIntervalMs),
        setInterval(() => {
          report(view.expire(now()));
        }, sweepMs),
      ];
      for (const timer of timers) timer.unref();
    },

    socketConnected: (socketId, user) => {
      local.add(socketId, user);
    },
    socketDisconnected: (socketId, userId) => {
      local.remove(socketId, userId);
    },
    isOnline: (userId) => view.isOnline(userId),
    onlineCount: (userIds) => userIds.filter((id) => view.isOnline(id)).length,
    viewSize: () => ({ onlineUsers: view.onlineUsers(), instances: view.instances() }),

    announceStop,

    async close() {
      await announceStop();
      await subscription?.stop();
      subscription = undefined;
    },
  };
}
