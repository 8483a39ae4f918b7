import { jest } from '@jest/globals';
import { tokenResponse } from '../test/fakes';
import { SESSION_STORAGE_KEY, createLocalSessionStorage, toStoredSession } from './session-storage';

afterEach(() => {
  localStorage.clear();
});

describe('local session storage', () => {
  it('when a session is written, then it reads back with absolute expiry times', () => {
    const storage = createLocalSessionStorage(localStorage, window);
    const session = toStoredSession(tokenResponse({ expiresIn: 900 }), 1_000);
    storage.write(session);
    expect(storage.read()).toEqual(session);
    expect(session.accessExpiresAt).toBe(901_000);
    storage.clear();
    expect(storage.read()).toBeUndefined();
  });

  it('when the entry is corrupt or of another shape, then there is no session', () => {
    const storage = createLocalSessionStorage(localStorage, window);
    localStorage.setItem(SESSION_STORAGE_KEY, '{not json');
    expect(storage.read()).toBeUndefined();
    localStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify({ accessToken: 'x' }));
    expect(storage.read()).toBeUndefined();
  });

  it('when another tab changes the entry, then subscribers hear of it (other keys are ignored)', () => {
    const storage = createLocalSessionStorage(localStorage, window);
    const listener = jest.fn();
    const stop = storage.subscribe(listener);
    window.dispatchEvent(new StorageEvent('storage', { key: 'falablau.colorMode' }));
    window.dispatchEvent(new StorageEvent('storage', { key: SESSION_STORAGE_KEY }));
    stop();
    window.dispatchEvent(new StorageEvent('storage', { key: SESSION_STORAGE_KEY }));
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
