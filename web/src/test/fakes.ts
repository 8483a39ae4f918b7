// Hand-made fakes shared by the web tests: token answers, an AuthApi and a ChatApi whose calls are
// recorded, and a fixed set of ids.
import { jest } from '@jest/globals';
import type { ChatMessage, Room } from '@falablau/common/contracts';
import type { AuthApi, TokenResponse } from '../api/auth-api';
import type { ChatApi, HistoryPage } from '../api/chat-api';

export const ROOM_ID = '0b6c6b57-6f0b-4d0c-9a39-1c2b2b0f9a11';
export const OTHER_ROOM_ID = '5f0d8a3e-2b1c-4f6e-9a7d-3c2b1a0f9e8d';
export const ME = { id: '11111111-1111-4111-8111-111111111111', username: 'ana', role: 'user' };
export const BO = { userId: '22222222-2222-4222-8222-222222222222', username: 'bo' };

let tokenCounter = 0;
export function tokenResponse(overrides: Partial<TokenResponse> = {}): TokenResponse {
  tokenCounter += 1;
  return {
    tokenType: 'Bearer',
    accessToken: `access-${tokenCounter}`,
    expiresIn: 900,
    refreshToken: `refresh-${tokenCounter}`,
    refreshExpiresIn: 30 * 86_400,
    sessionId: '33333333-3333-4333-8333-333333333333',
    user: ME,
    ...overrides,
  };
}

export function fakeAuthApi() {
  return {
    register: jest.fn<AuthApi['register']>(() => Promise.resolve(tokenResponse())),
    login: jest.fn<AuthApi['login']>(() => Promise.resolve(tokenResponse())),
    refresh: jest.fn<AuthApi['refresh']>(() => Promise.resolve(tokenResponse())),
    logout: jest.fn<AuthApi['logout']>(() => Promise.resolve()),
  } satisfies AuthApi;
}

export function room(overrides: Partial<Room> = {}): Room {
  return {
    id: ROOM_ID,
    name: 'general',
    topic: 'Anything goes',
    createdBy: ME.id,
    createdAt: '2026-01-01T10:00:00.000Z',
    memberCount: 2,
    onlineCount: 1,
    lastSeq: 0,
    ...overrides,
  };
}

export function message(seq: number, overrides: Partial<ChatMessage> = {}): ChatMessage {
  const hex = seq.toString(16).padStart(12, '0');
  return {
    id: `aaaaaaaa-aaaa-4aaa-8aaa-${hex}`,
    roomId: ROOM_ID,
    seq,
    userId: BO.userId,
    username: BO.username,
    text: `message ${seq}`,
    createdAt: new Date(Date.UTC(2026, 0, 1, 10, 0, seq)).toISOString(),
    ...overrides,
  };
}

/** Messages `from`..`to`, newest first, as the history endpoint answers. */
export function page(from: number, to: number, nextCursor: string | null): HistoryPage {
  const messages: ChatMessage[] = [];
  for (let seq = to; seq >= from; seq -= 1) messages.push(message(seq));
  return { messages, nextCursor };
}

export function fakeChatApi() {
  return {
    listRooms: jest.fn<ChatApi['listRooms']>(() => Promise.resolve([room()])),
    createRoom: jest.fn<ChatApi['createRoom']>((input) =>
      Promise.resolve(room({ id: OTHER_ROOM_ID, name: input.name, topic: input.topic ?? null })),
    ),
    getRoom: jest.fn<ChatApi['getRoom']>(() => Promise.resolve(room())),
    history: jest.fn<ChatApi['history']>(() => Promise.resolve({ messages: [], nextCursor: null })),
  } satisfies ChatApi;
}
