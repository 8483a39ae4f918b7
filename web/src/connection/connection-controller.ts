// Keeps the realtime link up for as long as the user is signed in, and says how it is doing.
// - network loss or a server shutting down (`transport close`): Socket.IO reconnects by itself;
// - the server closed us (`io server disconnect`: the token expired or the session was revoked)
//   or refused the handshake: refresh the token, then connect again, backing off on repeats;
//   a refresh the server refuses ends the session (the app then shows the sign-in page).
// Every successful connect is announced, so the chat client can rejoin its rooms with afterSeq.
import { SessionEndedError } from '../api/api-error';
import type { TokenSource } from '../api/chat-api';
import { createStore, type Store } from '../shared/store';
import { browserTimers, delay, type Timers } from '../shared/timers';
import type { LinkEvent, RealtimeLink } from './socket-link';

export type ConnectionState =
  | { phase: 'idle' }
  | { phase: 'connecting'; attempt: number }
  | { phase: 'connected'; reconnected: boolean }
  | { phase: 'reconnecting'; attempt: number; cause: 'network' | 'session' }
  | { phase: 'ended' };

export interface ConnectionController {
  readonly state: Store<ConnectionState>;
  start: () => void;
  stop: () => void;
  /** Connect now instead of waiting for the next automatic attempt. */
  retryNow: () => void;
  onConnected: (listener: () => void) => () => void;
}

export interface ConnectionControllerDeps {
  link: RealtimeLink;
  tokens: TokenSource;
  timers?: Timers;
  /** Longest wait between token refreshes after repeated handshake refusals. */
  maxBackoffMs?: number;
}

export function createConnectionController({
  link,
  tokens,
  timers = browserTimers,
  maxBackoffMs = 30_000,
}: ConnectionControllerDeps): ConnectionController {
  const state = createStore<ConnectionState>({ phase: 'idle' });
  const listeners = new Set<() => void>();
  let running = false;
  let everConnected = false;
  let renewing = false;
  let refusals = 0;
  let attempt = 0;
  let unsubscribe: (() => void) | undefined;
  // Read through a function: `running` changes while awaiting (TypeScript narrows it).
  const isRunning = () => running;

  function lost(cause: 'network' | 'session') {
    state.set(
      everConnected ? { phase: 'reconnecting', attempt, cause } : { phase: 'connecting', attempt },
    );
  }

  /** New token, then a new connection; handshake refusals in a row back off exponentially. */
  async function renewAndConnect() {
    if (renewing) return;
    renewing = true;
    lost('session');
    try {
      while (running) {
        const wait = refusals === 0 ? 0 : Math.min(maxBackoffMs, 1_000 * 2 ** (refusals - 1));
        refusals += 1;
        if (wait > 0) await delay(timers, wait);
        if (!isRunning()) return;
        try {
          await tokens.refresh(link.handshakeToken);
        } catch (error) {
          if (!(error instanceof SessionEndedError)) continue; // no answer: back off, try again
          running = false;
          state.set({ phase: 'ended' });
          return;
        }
        if (isRunning() && !link.connected) link.connect();
        return;
      }
    } finally {
      renewing = false;
    }
  }

  function onLinkEvent(event: LinkEvent) {
    if (!running) return;
    switch (event.type) {
      case 'connect':
        refusals = 0;
        attempt = 0;
        state.set({ phase: 'connected', reconnected: everConnected });
        everConnected = true;
        for (const listener of [...listeners]) listener();
        break;
      case 'disconnect':
        if (event.reason === 'io server disconnect') void renewAndConnect();
        else if (event.willReconnect) lost('network');
        else link.connect();
        break;
      case 'connect_error':
        if (event.willRetry) lost('network');
        else void renewAndConnect();
        break;
      case 'reconnect_attempt':
        attempt = event.attempt;
        if (state.get().phase !== 'connected') lost('network');
        break;
    }
  }

  return {
    state,
    start() {
      if (running) return;
      running = true;
      unsubscribe = link.onLinkEvent(onLinkEvent);
      state.set({ phase: 'connecting', attempt: 0 });
      link.connect();
    },
    stop() {
      running = false;
      unsubscribe?.();
      unsubscribe = undefined;
      link.disconnect();
      state.set({ phase: 'idle' });
    },
    retryNow() {
      if (running && !link.connected && !renewing) link.connect();
    },
    onConnected(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
