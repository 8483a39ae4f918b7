// Typing indicators are chatty (a client may report every keystroke) and worthless once stale.
// Per user and room, a repeat of the same state is forwarded at most once per interval; a change
// (started ↔ stopped) always goes through at once, so "stopped typing" is never held back.
export interface TypingThrottle {
  /** True when this typing event should be forwarded to the room. */
  shouldForward(userId: string, roomId: string, isTyping: boolean): boolean;
  /** Forget the user's state in a room they left. */
  forget(userId: string, roomId: string): void;
}

export interface TypingThrottleOptions {
  intervalMs: number;
  now?: () => number;
  /** Entries kept at most; old ones are swept first (they are useless after one interval). */
  maxEntries?: number;
}

export function createTypingThrottle({
  intervalMs,
  now = Date.now,
  maxEntries = 100_000,
}: TypingThrottleOptions): TypingThrottle {
  const last = new Map<string, { isTyping: boolean; at: number }>();
  const keyOf = (userId: string, roomId: string): string => `${userId}\u0000${roomId}`;

  function sweep(at: number): void {
    for (const [key, entry] of last) {
      if (at - entry.at >= intervalMs) last.delete(key);
    }
    // Still full of fresh entries (a flood): drop the oldest, as Map order is insertion order.
    for (const key of last.keys()) {
      if (last.size < maxEntries) break;
      last.delete(key);
    }
  }

  return {
    shouldForward(userId, roomId, isTyping) {
      const at = now();
      const key = keyOf(userId, roomId);
      const previous = last.get(key);
      if (previous?.isTyping === isTyping && at - previous.at < intervalMs) return false;
      if (last.size >= maxEntries) sweep(at);
      last.delete(key);
      last.set(key, { isTyping, at });
      return true;
    },
    forget(userId, roomId) {
      last.delete(keyOf(userId, roomId));
    },
  };
}
