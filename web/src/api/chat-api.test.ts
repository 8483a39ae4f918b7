/**
 * @jest-environment node
 */
import { jest } from '@jest/globals';
import { ApiError, describeError } from './api-error';
import { createAuthApi } from './auth-api';
import { createChatApi, type TokenSource } from './chat-api';
import type { FetchLike } from './http';
import { ROOM_ID, page, room, tokenResponse } from '../test/fakes';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

function setup(answers: Response[]) {
  const fetch = jest.fn<FetchLike>(() => Promise.resolve(answers.shift() ?? json(500, {})));
  const tokens = {
    getAccessToken: jest.fn<TokenSource['getAccessToken']>(() => Promise.resolve('old')),
    refresh: jest.fn<TokenSource['refresh']>(() => Promise.resolve('new')),
  };
  return { fetch, tokens, api: createChatApi({ baseUrl: '', fetch }, tokens) };
}

const authHeader = (call: Parameters<FetchLike> | undefined) =>
  (call?.[1]?.headers as Record<string, string> | undefined)?.authorization;

describe('chat API', () => {
  it('when history is requested, then the cursor and limit go in the query and the answer is validated', async () => {
    const { api, fetch } = setup([json(200, page(1, 2, 'next'))]);
    const result = await api.history(ROOM_ID, { before: 'abc+/=', limit: 50 });
    expect(fetch.mock.calls[0]?.[0]).toBe(
      `/api/chat/rooms/${ROOM_ID}/messages?before=abc%2B%2F%3D&limit=50`,
    );
    expect(authHeader(fetch.mock.calls[0])).toBe('Bearer old');
    expect(result.messages.map((m) => m.seq)).toEqual([2, 1]);
  });

  it('when the token is refused once, then it is refreshed and the call repeated', async () => {
    const { api, fetch, tokens } = setup([
      json(401, { error: { code: 'UNAUTHORIZED', message: 'expired' } }),
      json(200, { rooms: [room()] }),
    ]);
    await expect(api.listRooms()).resolves.toHaveLength(1);
    expect(tokens.refresh).toHaveBeenCalledWith('old');
    expect(authHeader(fetch.mock.calls[1])).toBe('Bearer new');
  });

  it('when a room name is taken, then the error carries the server code and message', async () => {
    const { api } = setup([
      json(409, { error: { code: 'CONFLICT', message: 'A room named "general" already exists' } }),
    ]);
    await expect(api.createRoom({ name: 'general' })).rejects.toMatchObject({
      status: 409,
      code: 'CONFLICT',
      message: 'A room named "general" already exists',
    });
  });

  it('when the server answers something unexpected, then it is a BAD_RESPONSE error', async () => {
    const { api } = setup([json(200, { rooms: [{ id: 'not-a-room' }] })]);
    await expect(api.listRooms()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });
});

describe('auth API and error text', () => {
  it('when login is rate limited, then the message tells when to try again', async () => {
    const fetch = jest.fn<FetchLike>(() =>
      Promise.resolve(
        json(
          429,
          { error: { code: 'RATE_LIMITED', message: 'Too many attempts.' } },
          { 'retry-after': '30' },
        ),
      ),
    );
    const error = await createAuthApi({ baseUrl: '', fetch })
      .login({ username: 'ana', password: 'x'.repeat(8) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(describeError(error)).toBe('Too many attempts. Try again in 30 seconds.');
  });

  it('when the network is down, then the error says so and counts as transient', async () => {
    const fetch = jest.fn<FetchLike>(() => Promise.reject(new TypeError('Failed to fetch')));
    const error = await createAuthApi({ baseUrl: '', fetch })
      .refresh('r')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NETWORK', transient: true });
  });

  it('when registration succeeds, then the token answer is returned', async () => {
    const answer = tokenResponse();
    const fetch = jest.fn<FetchLike>(() => Promise.resolve(json(201, answer)));
    await expect(
      createAuthApi({ baseUrl: '', fetch }).register({ username: 'ana', password: 'secret-pass' }),
    ).resolves.toEqual(answer);
    expect(fetch.mock.calls[0]?.[0]).toBe('/api/auth/register');
  });
});
