import { authSessionsTopic, type EventOf, type Subscription } from '@falablau/common';
import { startTestAuthApp, type TestAuthApp } from '../testing/auth-test-app.js';
import { get, login, post, registerUser, uniqueUsername } from '../testing/requests.js';

type Revoked = EventOf<typeof authSessionsTopic, 'session.revoked'>;

let t: TestAuthApp;
const events: Revoked[] = [];
let subscription: Subscription;

beforeAll(async () => {
  t = await startTestAuthApp();
  subscription = await t.eventBus.subscribe(authSessionsTopic, {
    groupId: 'logout-test',
    handleBatch: async (batch) => {
      events.push(...batch);
    },
  });
});

afterAll(async () => {
  await subscription.stop();
  await t.dispose();
});

const eventsFor = async (sessionId: string, settleMs = 300) => {
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  return events.filter((e) => e.data.sessionId === sessionId);
};
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('POST /logout', () => {
  test('when called with the access token, then 204, the session is over and session.revoked is published', async () => {
    const tokens = await registerUser(t.app);
    const res = await post(t.app, '/logout', undefined, bearer(tokens.accessToken));
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');

    expect((await get(t.app, '/users/me', tokens.accessToken)).statusCode).toBe(401);
    expect((await post(t.app, '/verify', { token: tokens.accessToken })).statusCode).toBe(401);
    expect((await post(t.app, '/refresh', { refreshToken: tokens.refreshToken })).statusCode).toBe(
      401,
    );

    const published = await eventsFor(tokens.sessionId);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      type: 'session.revoked',
      data: { sessionId: tokens.sessionId, userId: tokens.user.id, reason: 'logout' },
    });
    const row = await t.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', tokens.sessionId)
      .executeTakeFirstOrThrow();
    expect(row.revoked_reason).toBe('logout');
    expect(row.revocation_published_at).not.toBeNull();
  });

  test('when called with only the refresh token, then that session ends', async () => {
    const tokens = await registerUser(t.app);
    const res = await post(t.app, '/logout', { refreshToken: tokens.refreshToken });
    expect(res.statusCode).toBe(204);
    expect((await get(t.app, '/users/me', tokens.accessToken)).statusCode).toBe(401);
    expect(await eventsFor(tokens.sessionId)).toHaveLength(1);
  });

  test('when called twice, then 204 both times and one event', async () => {
    const tokens = await registerUser(t.app);
    expect((await post(t.app, '/logout', undefined, bearer(tokens.accessToken))).statusCode).toBe(
      204,
    );
    expect((await post(t.app, '/logout', undefined, bearer(tokens.accessToken))).statusCode).toBe(
      204,
    );
    expect(await eventsFor(tokens.sessionId)).toHaveLength(1);
  });

  test('when the user has other sessions, then only this one ends', async () => {
    const username = uniqueUsername();
    const phone = await registerUser(t.app, username);
    const laptop = await login(t.app, username);
    await post(t.app, '/logout', undefined, bearer(phone.accessToken));
    expect((await get(t.app, '/users/me', laptop.accessToken)).statusCode).toBe(200);
    expect((await post(t.app, '/refresh', { refreshToken: laptop.refreshToken })).statusCode).toBe(
      200,
    );
  });

  test.each([
    ['no credentials at all', undefined, {}],
    ['an invalid bearer token', undefined, { authorization: 'Bearer not.a.jwt' }],
    ['an unknown refresh token', { refreshToken: 'B'.repeat(43) }, {}],
  ])('when called with %s, then 401', async (_label, body, headers) => {
    const res = await post(t.app, '/logout', body, headers);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  test('when the body has an unknown field, then 400', async () => {
    const res = await post(t.app, '/logout', { everything: true });
    expect(res.statusCode).toBe(400);
  });
});
