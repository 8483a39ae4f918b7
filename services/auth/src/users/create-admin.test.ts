import { createPasswordHasher } from '../passwords/password-hasher.js';
import { startTestAuthApp, type TestAuthApp } from '../testing/auth-test-app.js';
import { get, login, registerUser } from '../testing/requests.js';
import { createOrPromoteAdmin } from './create-admin.js';
import { createUserRepository } from './user.repository.js';

let t: TestAuthApp;
let deps: Parameters<typeof createOrPromoteAdmin>[0];

beforeAll(async () => {
  t = await startTestAuthApp();
  deps = {
    users: createUserRepository(t.db),
    hasher: await createPasswordHasher({ queueLimit: 4 }),
    clock: () => new Date(),
  };
});

afterAll(async () => {
  await t.dispose();
});

describe('create-admin', () => {
  test('when the user does not exist, then an admin is created who can log in', async () => {
    const result = await createOrPromoteAdmin(
      deps,
      'first_admin',
      async () => 'a strong admin password',
    );
    expect(result).toBe('created');
    const tokens = await login(t.app, 'first_admin', 'a strong admin password');
    expect(tokens.user.role).toBe('admin');
    expect((await get(t.app, '/users/me', tokens.accessToken)).json()).toMatchObject({
      role: 'admin',
    });
  });

  test('when the user exists, then it is promoted without asking for a password', async () => {
    await registerUser(t.app, 'later_admin');
    const result = await createOrPromoteAdmin(deps, 'Later_Admin', () => {
      throw new Error('must not read a password');
    });
    expect(result).toBe('promoted');
    expect((await login(t.app, 'later_admin')).user.role).toBe('admin');
    await expect(createOrPromoteAdmin(deps, 'later_admin', async () => '')).resolves.toBe(
      'already-admin',
    );
  });

  test('when the password is too short, then nothing is created', async () => {
    await expect(createOrPromoteAdmin(deps, 'weak_admin', async () => 'short')).rejects.toThrow();
    expect(await deps.users.findByUsername('weak_admin')).toBeUndefined();
  });
});
