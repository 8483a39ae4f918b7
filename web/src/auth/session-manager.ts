// The signed-in session: tokens in storage, the access token refreshed before it expires, one
// refresh at a time (Web Locks across tabs), other tabs' refreshes and logouts adopted, and the
// rotation race (401 REFRESH_TOKEN_ROTATED) resolved by reading the winner's tokens from storage.
import { ApiError, SessionEndedError } from '../api/api-error';
import type { AuthApi, Credentials, TokenResponse } from '../api/auth-api';
import type { TokenSource } from '../api/chat-api';
import { createStore, type Store } from '../shared/store';
import { browserTimers, delay, type Timers } from '../shared/timers';
import {
  toStoredSession,
  type SessionStorage,
  type SessionUser,
  type StoredSession,
} from './session-storage';

export type SessionState =
  { status: 'signedIn'; user: SessionUser } | { status: 'signedOut'; reason?: string };

export interface SessionManager extends TokenSource {
  readonly state: Store<SessionState>;
  login(credentials: Credentials): Promise<void>;
  register(credentials: Credentials): Promise<void>;
  logout(): Promise<void>;
  /** Starts the refresh timer and listens to other tabs; returns the matching stop. */
  start(): () => void;
}

export type WithLock = <T>(task: () => Promise<T>) => Promise<T>;

export interface SessionManagerDeps {
  api: AuthApi;
  storage: SessionStorage;
  timers?: Timers;
  /** Serialises refreshes across tabs; default: within this tab only. */
  withLock?: WithLock;
  /** Refresh this long before the access token expires (at most half its remaining life). */
  refreshMarginMs?: number;
  /** Wait before trying again after a refresh that failed for lack of an answer. */
  retryDelayMs?: number;
  /** How long to wait for the tab that won a rotation race to store its tokens. */
  rotationWaitMs?: number;
}

const ENDED = 'Your session has ended. Please sign in again.';

/** Web Locks where the browser has them: one refresh at a time across all tabs. */
export function browserLock(locks: LockManager | undefined, name = 'falablau-refresh'): WithLock {
  return (task) => (locks ? locks.request(name, task) : task());
}

const sameTabOnly: WithLock = (task) => task();

export function createSessionManager(deps: SessionManagerDeps): SessionManager {
  const { api, storage, timers = browserTimers } = deps;
  const withLock = deps.withLock ?? sameTabOnly;
  const margin = deps.refreshMarginMs ?? 60_000;
  const retryDelayMs = deps.retryDelayMs ?? 15_000;
  const rotationWaitMs = deps.rotationWaitMs ?? 1_000;

  let current = storage.read();
  if (current && current.refreshExpiresAt <= timers.now()) {
    storage.clear();
    current = undefined;
  }
  const state = createStore<SessionState>(
    current ? { status: 'signedIn', user: current.user } : { status: 'signedOut' },
  );
  let started = false;
  let timer: unknown;
  let inFlight: Promise<string> | undefined;

  const isFresh = (s: StoredSession) => s.accessExpiresAt - timers.now() > margin / 2;

  function adopt(session: StoredSession, write: boolean) {
    if (write) storage.write(session);
    current = session;
    const previous = state.get();
    const sameUser =
      previous.status === 'signedIn' &&
      previous.user.id === session.user.id &&
      previous.user.username === session.user.username;
    if (!sameUser) state.set({ status: 'signedIn', user: session.user });
    schedule();
  }

  function signOut(reason?: string, clear = true) {
    timers.clearTimeout(timer);
    current = undefined;
    if (clear) storage.clear();
    state.set(reason === undefined ? { status: 'signedOut' } : { status: 'signedOut', reason });
  }

  function schedule(wait?: number) {
    timers.clearTimeout(timer);
    if (!started || !current) return;
    const remaining = current.accessExpiresAt - timers.now();
    const due = wait ?? Math.max(0, remaining - Math.min(margin, remaining / 2));
    timer = timers.setTimeout(() => {
      refresh().catch((error: unknown) => {
        if (!(error instanceof SessionEndedError)) schedule(retryDelayMs);
      });
    }, due);
  }

  async function exchange(refreshToken: string): Promise<string> {
    const session = toStoredSession(await api.refresh(refreshToken), timers.now());
    adopt(session, true);
    return session.accessToken;
  }

  async function doRefresh(stale: string | undefined): Promise<string> {
    const stored = storage.read();
    if (!stored) {
      signOut(ENDED, false);
      throw new SessionEndedError();
    }
    // Another tab may have refreshed already: its fresh token is as good as a new one.
    const known = stale ?? current?.accessToken;
    if (stored.accessToken !== known && isFresh(stored)) {
      adopt(stored, false);
      return stored.accessToken;
    }
    try {
      return await exchange(stored.refreshToken);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'REFRESH_TOKEN_ROTATED') {
        return recoverFromRotation(stored.refreshToken);
      }
      if (error instanceof ApiError && !error.transient) {
        signOut(ENDED);
        throw new SessionEndedError();
      }
      throw error;
    }
  }

  /** Another tab exchanged the same refresh token first: use what it stored, retrying once. */
  async function recoverFromRotation(usedRefreshToken: string): Promise<string> {
    let newer = storage.read();
    if (newer?.refreshToken === usedRefreshToken) {
      await delay(timers, rotationWaitMs);
      newer = storage.read();
    }
    if (newer && newer.refreshToken !== usedRefreshToken) {
      if (isFresh(newer)) {
        adopt(newer, false);
        return newer.accessToken;
      }
      try {
        return await exchange(newer.refreshToken);
      } catch (error) {
        if (error instanceof ApiError && error.transient) throw error;
      }
    }
    signOut(ENDED);
    throw new SessionEndedError();
  }

  function refresh(staleAccessToken?: string): Promise<string> {
    inFlight ??= withLock(() => doRefresh(staleAccessToken)).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  async function begin(response: Promise<TokenResponse>) {
    adopt(toStoredSession(await response, timers.now()), true);
  }

  return {
    state,
    refresh,
    getAccessToken: async () => {
      if (!current) throw new SessionEndedError();
      if (current.accessExpiresAt - timers.now() > 5_000) return current.accessToken;
      return refresh(current.accessToken);
    },
    login: (credentials) => begin(api.login(credentials)),
    register: (credentials) => begin(api.register(credentials)),
    async logout() {
      const ending = current;
      signOut();
      // Best effort: the local session is gone whatever the server answers.
      if (ending) await api.logout(ending.refreshToken).catch(() => undefined);
    },
    start() {
      started = true;
      schedule();
      const unsubscribe = storage.subscribe(() => {
        const stored = storage.read();
        if (!stored) {
          if (current) signOut('You signed out in another tab.', false);
        } else if (stored.accessToken !== current?.accessToken) {
          adopt(stored, false);
        }
      });
      return () => {
        started = false;
        timers.clearTimeout(timer);
        unsubscribe();
      };
    },
  };
}
