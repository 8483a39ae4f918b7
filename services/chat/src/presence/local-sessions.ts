// The users this process holds sockets for. A user is "present here" from their first socket
// until a short grace after their last one closed: a client that reconnects at once (fresh token,
// flaky network, page reload) must not flash offline → online in everybody's room list.
import type { PresenceUser } from '@falablau/common';

export interface LocalSessionsOptions {
  offlineGraceMs: number;
  /** The user's first socket here connected (not called when a grace period is cut short). */
  onPresent: (user: PresenceUser) => void;
  /** The user's last socket here closed and the grace period passed without a new one. */
  onAbsent: (user: PresenceUser) => void;
}

export interface LocalSessions {
  add(socketId: string, user: PresenceUser): void;
  remove(socketId: string, userId: string): void;
  /** Everyone present here (including those in their grace period): the heartbeat snapshot. */
  users(): PresenceUser[];
  /** Cancels pending grace timers without announcing anything (the process is going away). */
  close(): void;
}

interface Entry {
  username: string;
  sockets: Set<string>;
  graceTimer?: NodeJS.Timeout;
}

export function createLocalSessions({
  offlineGraceMs,
  onPresent,
  onAbsent,
}: LocalSessionsOptions): LocalSessions {
  const entries = new Map<string, Entry>();
  let closed = false;

  return {
    add(socketId, { userId, username }) {
      if (closed) return;
      const entry = entries.get(userId);
      if (entry) {
        clearTimeout(entry.graceTimer);
        entry.graceTimer = undefined;
        entry.sockets.add(socketId);
        return;
      }
      entries.set(userId, { username, sockets: new Set([socketId]) });
      onPresent({ userId, username });
    },

    remove(socketId, userId) {
      const entry = entries.get(userId);
      if (!entry?.sockets.delete(socketId)) return;
      if (closed || entry.sockets.size > 0) return;
      const leave = (): void => {
        entries.delete(userId);
        onAbsent({ userId, username: entry.username });
      };
      if (offlineGraceMs <= 0) {
        leave();
        return;
      }
      entry.graceTimer = setTimeout(leave, offlineGraceMs);
      entry.graceTimer.unref();
    },

    users: () => [...entries].map(([userId, { username }]) => ({ userId, username })),

    close() {
      closed = true;
      for (const entry of entries.values()) clearTimeout(entry.graceTimer);
    },
  };
}
