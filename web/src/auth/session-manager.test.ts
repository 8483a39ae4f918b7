import { jest } from '@jest/globals';
import { ApiError, SessionEndedError } from '../api/api-error';
import { fakeAuthApi, tokenResponse } from '../test/fakes';
import { createSessionManager } from './session-manager';
import { createMemorySessionStorage, toStoredSession } from './session-storage';

const credentials = { username: 'ana', password: 'correct horse' };

function setup() {
  const api = fakeAuthApi();
  const storage = createMemorySessionStorage();
  const session = createSessionManager({ api, storage, rotationWaitMs: 1_000 });
  const stop = session.start();
  return { api, storage, session, stop };
}

beforeEach(() => {
  jest.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('session manager', () => {
  it('when a user logs in, then the tokens are stored and the state is signed in', async () => {
    const { session, storage } = setup();
    await session.login(credentials);
    expect(session.state.get()).toMatchObject({ status: 'signedIn', user: { username: 'ana' } });
    expect(storage.read()?.accessToken).toMatch(/^access-/);
    expect(await session.getAccessToken()).toBe(storage.read()?.accessToken);
  });

  it('when the access token nears expiry, then it is refreshed a minute early and the new refresh token kept', async () => {
    const { session, storage, api } = setup();
    api.login.mockResolvedValueOnce(tokenResponse({ expiresIn: 900 }));
    await session.login(credentials);
    const first = storage.read();
    await jest.advanceTimersByTimeAsync(838_000);
    expect(api.refresh).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(3_000);
    expect(api.refresh).toHaveBeenCalledWith(first?.refreshToken);
    expect(storage.read()?.refreshToken).not.toBe(first?.refreshToken);
    expect(await session.getAccessToken()).toBe(storage.read()?.accessToken);
  });

  it('when several callers need a refresh at once, then one request is made', async () => {
    const { session, api } = setup();
    await session.login(credentials);
    const tokens = await Promise.all([session.refresh(), session.refresh(), session.refresh()]);
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(new Set(tokens).size).toBe(1);
  });

  it('when another tab already refreshed, then its token is adopted without a request', async () => {
    const { session, storage, api } = setup();
    await session.login(credentials);
    const mine = await session.getAccessToken();
    storage.write(toStoredSession(tokenResponse(), Date.now()));
    await expect(session.refresh(mine)).resolves.toBe(storage.read()?.accessToken);
    expect(api.refresh).not.toHaveBeenCalled();
  });

  it('when the refresh answers REFRESH_TOKEN_ROTATED, then the tokens the other tab stores are used', async () => {
    const { session, storage, api } = setup();
    await session.login(credentials);
    const winner = toStoredSession(tokenResponse(), Date.now());
    api.refresh.mockImplementationOnce(() => {
      setTimeout(() => {
        storage.write(winner);
      }, 300);
      return Promise.reject(new ApiError(401, 'REFRESH_TOKEN_ROTATED', 'rotated'));
    });
    const refreshed = session.refresh();
    await jest.advanceTimersByTimeAsync(1_000);
    await expect(refreshed).resolves.toBe(winner.accessToken);
    expect(session.state.get().status).toBe('signedIn');
  });

  it('when the refresh is rotated and no newer tokens appear, then the user is signed out', async () => {
    const { session, api } = setup();
    await session.login(credentials);
    api.refresh.mockRejectedValueOnce(new ApiError(401, 'REFRESH_TOKEN_ROTATED', 'rotated'));
    const refreshed = session.refresh();
    const outcome = expect(refreshed).rejects.toBeInstanceOf(SessionEndedError);
    await jest.advanceTimersByTimeAsync(1_000);
    await outcome;
    expect(session.state.get()).toMatchObject({
      status: 'signedOut',
      reason: 'Your session has ended. Please sign in again.',
    });
  });

  it('when the refresh token is refused, then the session ends and tokens are no longer handed out', async () => {
    const { session, storage, api } = setup();
    await session.login(credentials);
    api.refresh.mockRejectedValueOnce(
      new ApiError(401, 'UNAUTHORIZED', 'Invalid or expired refresh token'),
    );
    await expect(session.refresh()).rejects.toBeInstanceOf(SessionEndedError);
    expect(storage.read()).toBeUndefined();
    await expect(session.getAccessToken()).rejects.toBeInstanceOf(SessionEndedError);
  });

  it('when the refresh fails for lack of an answer, then the session stays and it is tried again later', async () => {
    const { session, api } = setup();
    api.login.mockResolvedValueOnce(tokenResponse({ expiresIn: 120 }));
    await session.login(credentials);
    api.refresh.mockRejectedValueOnce(new ApiError(0, 'NETWORK', 'offline'));
    await jest.advanceTimersByTimeAsync(60_000);
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(session.state.get().status).toBe('signedIn');
    await jest.advanceTimersByTimeAsync(15_000);
    expect(api.refresh).toHaveBeenCalledTimes(2);
  });

  it('when another tab logs out, then this tab is signed out too', async () => {
    const { session, storage } = setup();
    await session.login(credentials);
    storage.changeFromOtherTab(undefined);
    expect(session.state.get()).toEqual({
      status: 'signedOut',
      reason: 'You signed out in another tab.',
    });
  });

  it('when the user logs out, then the server is told and the tokens are gone even if it fails', async () => {
    const { session, storage, api } = setup();
    await session.login(credentials);
    const { refreshToken } = storage.read() ?? { refreshToken: '' };
    api.logout.mockRejectedValueOnce(new ApiError(0, 'NETWORK', 'offline'));
    await session.logout();
    expect(api.logout).toHaveBeenCalledWith(refreshToken);
    expect(storage.read()).toBeUndefined();
    expect(session.state.get()).toEqual({ status: 'signedOut' });
  });

  it('when the stored refresh token has expired, then the app starts signed out', () => {
    const stale = toStoredSession(tokenResponse({ refreshExpiresIn: 10 }), Date.now() - 20_000);
    const storage = createMemorySessionStorage(stale);
    const session = createSessionManager({ api: fakeAuthApi(), storage });
    expect(session.state.get().status).toBe('signedOut');
    expect(storage.read()).toBeUndefined();
  });
});
