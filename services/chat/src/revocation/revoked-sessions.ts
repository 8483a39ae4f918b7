// Sessions revoked while their access tokens are still valid (up to their 15-minute lifetime):
// remembered so a client cannot reopen a socket with the old token after being logged out.
export interface RevokedSessions {
  add(sessionId: string): void;
  has(sessionId: string): boolean;
}

export interface RevokedSessionsOptions {
  /** How long to remember a revocation: at least the access-token lifetime. */
  ttlMs: number;
  maxEntries?: number;
  now?: () => number;
}

export function createRevokedSessions({
  ttlMs,
  maxEntries = 1_000_000,
  now = Date.now,
}: RevokedSessionsOptions): RevokedSessions {
  /** sessionId → forget-at; insertion order is expiry order, as every entry lives ttlMs. */
  const entries = new Map<string, number>();

  function prune(at: number): void {
    for (const [sessionId, forgetAt] of entries) {
      if (forgetAt > at && entries.size <= maxEntries) break;
      entries.delete(sessionId);
    }
  }

  return {
    add(sessionId) {
      const at = now();
      entries.delete(sessionId);
      entries.set(sessionId, at + ttlMs);
      prune(at);
    },
    has(sessionId) {
      const forgetAt = entries.get(sessionId);
      return forgetAt !== undefined && forgetAt > now();
    },
  };
}
