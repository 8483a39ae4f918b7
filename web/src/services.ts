// Everything the UI talks to, built once at the root (main.tsx) and handed down through context,
// so component tests can hand in fakes. The realtime part (socket link, connection controller and
// chat client) exists per signed-in user: `createRealtime` builds it when a session starts.
import { createAuthApi, type AuthApi } from './api/auth-api';
import { createChatApi, type ChatApi, type TokenSource } from './api/chat-api';
import type { FetchLike } from './api/http';
import { browserLock, createSessionManager, type SessionManager } from './auth/session-manager';
import {
  createLocalSessionStorage,
  createMemorySessionStorage,
  type SessionStorage,
} from './auth/session-storage';
import { createChatClient, type ChatClient } from './chat/chat-client';
import {
  createConnectionController,
  type ConnectionController,
} from './connection/connection-controller';
import { createSocketLink, type RealtimeLink } from './connection/socket-link';
import type { AppConfig } from './app-config';
import { createRoomsStore, type RoomsStore } from './rooms/rooms-store';

export interface Realtime {
  connection: ConnectionController;
  chat: ChatClient;
  start: () => void;
  stop: () => void;
}

export interface AppServices {
  session: SessionManager;
  chatApi: ChatApi;
  rooms: RoomsStore;
  createRealtime: (user: { id: string }) => Realtime;
}

/** Wires a link to its connection controller and chat client (tests pass a fake link). */
export function assembleRealtime(
  link: RealtimeLink,
  tokens: TokenSource,
  api: ChatApi,
  user: { id: string },
): Realtime {
  const connection = createConnectionController({ link, tokens });
  const chat = createChatClient({ link, api, me: user, onConnected: connection.onConnected });
  return {
    connection,
    chat,
    start() {
      chat.start();
      connection.start();
    },
    stop() {
      connection.stop();
      chat.stop();
    },
  };
}

function browserSessionStorage(): SessionStorage {
  try {
    return createLocalSessionStorage(window.localStorage, window);
  } catch {
    return createMemorySessionStorage(); // storage disabled: the session lasts as long as the tab
  }
}

export function createAppServices(
  config: AppConfig,
  fetchImpl: FetchLike = (input, init) => fetch(input, init),
): AppServices {
  const http = { baseUrl: config.apiBaseUrl, fetch: fetchImpl };
  const authApi: AuthApi = createAuthApi(http);
  const session = createSessionManager({
    api: authApi,
    storage: browserSessionStorage(),
    withLock: browserLock(typeof navigator === 'undefined' ? undefined : navigator.locks),
  });
  const chatApi = createChatApi(http, session);
  return {
    session,
    chatApi,
    rooms: createRoomsStore(chatApi),
    createRealtime: (user) => {
      const link = createSocketLink({
        url: config.socketUrl,
        path: config.socketPath,
        transports: config.socketTransports,
        getToken: () => session.getAccessToken(),
      });
      return assembleRealtime(link, session, chatApi, user);
    },
  };
}
