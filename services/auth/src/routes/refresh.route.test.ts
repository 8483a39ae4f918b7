import { authSessionsTopic, type EventOf, type Subscription } from '@falablau/common';
import { startTestAuthApp, type TestAuthApp } from '../testing/auth-test-app.js';
import { get, post, registerUser } from '../testing/requests.js';
import type { TokenResponse } from './schemas.js';

type Revoked = EventOf<typeof authSessionsTopic, 'session.revoked'>;

let t: TestAuthApp;
let now = new Date();
const revoked: Revoked[] = [];
let subscription: Subscription;

beforeAll(async () => {
  t = await startTestAuthApp({ clock: () => now });
  subscription = await t.eventBus.subscribe(authSessionsTopic, {
    groupId: 'refresh-test',
    handleBatch: async (events) => {
      revoked.push(...events);
    },
  });
});

afterAll(async () => {
  await subscription.stop();
  await t.dispose();
});

const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};
const refresh = (refreshToken: string) => post(t.app, '/refresh', { refreshToken });
const waitForEvent = async (sessionId: string): Promise<Revoked> => {
  for (let i = 0; i < 100; i += 1) {
    const event = revoked.find((e) => e.data.sessionId === sessionId);
    if (event) return event;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no session.revoked for ${sessionId}`);
};

describe('POST /refresh', () => {
  test('when the refresh token is current, then a new pair is returned and the old one is spent', async () => {
    const first = await registerUser(t.app);
    advance(60_000);
    const res = await refresh(first.refreshToken);
    expect(res.statusCode).toBe(200);
    const second = res.json<TokenResponse>();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.user).toEqual(first.user);
    // Only the hash is stored.
    const stored = await t.db
      .selectFrom('refresh_tokens')
      .select('token_hash')
      .where('session_id', '=', first.sessionId)
      .execute();
    expect(stored).toHaveLength(2);
    expect(stored.map((r) => r.token_hash)).not.toContain(second.refreshToken);
    // The new token works in turn.
    advance(60_000);
    expect((await refresh(second.refreshToken)).statusCode).toBe(200);
  });

  test('when a rotated token is replayed after the grace window, then the whole family is revoked and session.revoked is published', async () => {
    const first = await registerUser(t.app);
    const second = (await refresh(first.refreshToken)).json<TokenResponse>();
    advance(11_000);

    const replay = await refresh(first.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });

    // The legitimate holder's newest token dies with the family; its access token too.
    expect((await refresh(second.refreshToken)).statusCode).toBe(401);
    expect((await get(t.app, '/users/me', second.accessToken)).statusCode).toBe(401);

    const event = await waitForEvent(first.sessionId);
    expect(event).toMatchObject({
      type: 'session.revoked',
      data: { sessionId: first.sessionId, userId: first.user.id, reason: 'refresh_reuse' },
    });
  });

  test('when a rotated token is replayed within the grace window, then 401 REFRESH_TOKEN_ROTATED and the family lives on', async () => {
    const first = await registerUser(t.app);
    const second = (await refresh(first.refreshToken)).json<TokenResponse>();
    advance(2_000);
    const replay = await refresh(first.refreshToken);
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ error: { code: 'REFRESH_TOKEN_ROTATED' } });
    expect((await refresh(second.refreshToken)).statusCode).toBe(200);
  });

  test.each([[2], [5]])(
    'when %i refreshes of the same token race, then exactly one wins, the others get 401 and the family is not revoked',
    async (racers) => {
      const first = await registerUser(t.app);
      const results = await Promise.all(
        Array.from({ length: racers }, () => refresh(first.refreshToken)),
      );
      const winners = results.filter((r) => r.statusCode === 200);
      const losers = results.filter((r) => r.statusCode !== 200);
      expect(winners).toHaveLength(1);
      expect(
        losers.map((r) => [r.statusCode, r.json<{ error: { code: string } }>().error.code]),
      ).toEqual(Array.from({ length: racers - 1 }, () => [401, 'REFRESH_TOKEN_ROTATED']));
      const [winnerResponse] = winners;
      if (!winnerResponse) throw new Error('no winner');
      const winner = winnerResponse.json<TokenResponse>();
      expect((await get(t.app, '/users/me', winner.accessToken)).statusCode).toBe(200);
      expect((await refresh(winner.refreshToken)).statusCode).toBe(200);
      expect(revoked.find((e) => e.data.sessionId === first.sessionId)).toBeUndefined();
    },
  );

  test('when the refresh token has expired (30 days), then 401', async () => {
    const first = await registerUser(t.app);
    advance(30 * 24 * 3_600_000 + 1_000);
    expect((await refresh(first.refreshToken)).statusCode).toBe(401);
  });

  test('when refreshing within 30 days of the last rotation, then the session slides forward', async () => {
    let tokens = await registerUser(t.app);
    for (let i = 0; i < 3; i += 1) {
      advance(20 * 24 * 3_600_000);
      const res = await refresh(tokens.refreshToken);
      expect(res.statusCode).toBe(200);
      tokens = res.json<TokenResponse>();
    }
  });

  test('when the refresh token is unknown, then 401', async () => {
    const res = await refresh('A'.repeat(43));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  test('when an access token is sent as the refresh token, then 401', async () => {
    const { accessToken } = await registerUser(t.app);
    expect((await refresh(accessToken.slice(0, 256))).statusCode).toBe(401);
  });

  test.each([
    ['a missing token', {}],
    ['an empty token', { refreshToken: '' }],
    ['a number', { refreshToken: 42 }],
    ['an unknown field', { refreshToken: 'abc', extra: true }],
    ['an oversized token', { refreshToken: 'x'.repeat(300) }],
  ])('when the body has %s, then 400', async (_label, body) => {
    const res = await post(t.app, '/refresh', body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });
});
