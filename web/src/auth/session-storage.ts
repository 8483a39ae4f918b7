// Where the session lives between page loads and how tabs see each other's changes: one
// localStorage entry, validated on read, with `storage` events for the other tabs' writes.
import { z } from 'zod';
import type { TokenResponse } from '../api/auth-api';

const storedSessionSchema = z.object({
  accessToken: z.string().min(1),
  /** Epoch milliseconds, computed from `expiresIn` when received (no clock skew). */
  accessExpiresAt: z.number(),
  refreshToken: z.string().min(1),
  refreshExpiresAt: z.number(),
  sessionId: z.string(),
  user: z.object({ id: z.string(), username: z.string(), role: z.string() }),
});
export type StoredSession = z.infer<typeof storedSessionSchema>;
export type SessionUser = StoredSession['user'];

export function toStoredSession(response: TokenResponse, now: number): StoredSession {
  return {
    accessToken: response.accessToken,
    accessExpiresAt: now + response.expiresIn * 1000,
    refreshToken: response.refreshToken,
    refreshExpiresAt: now + response.refreshExpiresIn * 1000,
    sessionId: response.sessionId,
    user: response.user,
  };
}

export interface SessionStorage {
  read(): StoredSession | undefined;
  write(session: StoredSession): void;
  clear(): void;
  /** Another tab changed the entry. */
  subscribe(listener: () => void): () => void;
}

export const SESSION_STORAGE_KEY = 'falablau.session';

export function createLocalSessionStorage(
  storage: Storage,
  win: Pick<Window, 'addEventListener' | 'removeEventListener'>,
  key = SESSION_STORAGE_KEY,
): SessionStorage {
  return {
    read() {
      try {
        const raw = storage.getItem(key);
        if (raw === null) return undefined;
        const parsed = storedSessionSchema.safeParse(JSON.parse(raw));
        return parsed.success ? parsed.data : undefined;
      } catch {
        return undefined;
      }
    },
    write: (session) => {
      storage.setItem(key, JSON.stringify(session));
    },
    clear: () => {
      storage.removeItem(key);
    },
    subscribe(listener) {
      const onStorage = (event: StorageEvent) => {
        if (event.key === key || event.key === null) listener();
      };
      win.addEventListener('storage', onStorage);
      return () => {
        win.removeEventListener('storage', onStorage);
      };
    },
  };
}

export interface MemorySessionStorage extends SessionStorage {
  /** What another tab's write looks like: the value changes and subscribers hear of it. */
  changeFromOtherTab(session: StoredSession | undefined): void;
}

/** An in-memory storage for tests and for browsers that refuse localStorage. */
export function createMemorySessionStorage(initial?: StoredSession): MemorySessionStorage {
  let value = initial;
  const listeners = new Set<() => void>();
  return {
    changeFromOtherTab(session) {
      value = session;
      for (const listener of [...listeners]) listener();
    },
    read: () => value,
    write: (session) => {
      value = session;
    },
    clear: () => {
      value = undefined;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
