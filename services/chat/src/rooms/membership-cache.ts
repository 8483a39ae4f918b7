// Membership is asked on every send and typing event; it changes rarely. Answers are cached per
// process for a short TTL. Joins and leaves on this process update the entry at once; a change
// made on another replica is seen here after at most the TTL (send re-checks in its transaction).

export interface MembershipCache {
  get(roomId: string, userId: string): boolean | undefined;
  set(roomId: string, userId: string, isMember: boolean): void;
}

export interface MembershipCacheOptions {
  ttlMs: number;
  /** Entries kept at most; the oldest go first (a bound, not an LRU: entries expire soon anyway). */
  maxEntries?: number;
  now?: () => number;
}

export function createMembershipCache({
  ttlMs,
  maxEntries = 100_000,
  now = Date.now,
}: MembershipCacheOptions): MembershipCache {
  const entries = new Map<string, { isMember: boolean; expiresAt: number }>();
  const keyOf = (roomId: string, userId: string): string => `${roomId}\u0000${userId}`;

  return {
    get(roomId, userId) {
      const key = keyOf(roomId, userId);
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.isMember;
    },
    set(roomId, userId, isMember) {
      if (ttlMs <= 0) return;
      const key = keyOf(roomId, userId);
      // Re-inserting moves the key to the end of the Map's order, which the eviction relies on.
      entries.delete(key);
      entries.set(key, { isMember, expiresAt: now() + ttlMs });
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries) break;
        entries.delete(oldest);
      }
    },
  };
}
