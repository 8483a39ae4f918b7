import { randomUUID } from 'node:crypto';
import { createLogger } from '@falablau/common';
import { startTestAuthApp, type TestAuthApp } from '../testing/auth-test-app.js';
import { registerUser } from '../testing/requests.js';
import { createSessionCleanup } from './session-cleanup.js';

let t: TestAuthApp;
beforeAll(async () => {
  // No background sweep: it would publish (and so release) the pending revocation below.
  t = await startTestAuthApp({ background: false });
});
afterAll(async () => {
  await t.dispose();
});

const day = 24 * 3_600_000;

describe('session cleanup', () => {
  test('when sessions expired beyond the retention, then they and their tokens are deleted — unless a revocation still waits to be published', async () => {
    const { user } = await registerUser(t.app);
    const old = new Date(Date.now() - 40 * day);
    const insert = async (extra: { revoked_at?: Date; revoked_reason?: 'logout' }) => {
      const id = randomUUID();
      await t.db
        .insertInto('sessions')
        .values({
          id,
          user_id: user.id,
          created_at: old,
          expires_at: new Date(old.getTime() + day),
          ...extra,
        })
        .execute();
      await t.db
        .insertInto('refresh_tokens')
        .values({
          token_hash: randomUUID(),
          session_id: id,
          issued_at: old,
          expires_at: new Date(old.getTime() + day),
        })
        .execute();
      return id;
    };
    const expired = await insert({});
    const unpublished = await insert({ revoked_at: old, revoked_reason: 'logout' });

    const cleanup = createSessionCleanup({
      db: t.db,
      logger: createLogger({ name: 'test', level: 'silent' }),
      clock: () => new Date(),
    });
    expect(await cleanup.runOnce()).toBeGreaterThanOrEqual(1);

    const left = await t.db
      .selectFrom('sessions')
      .select('id')
      .where('id', 'in', [expired, unpublished])
      .execute();
    expect(left.map((r) => r.id)).toEqual([unpublished]);
    const tokens = await t.db
      .selectFrom('refresh_tokens')
      .select('session_id')
      .where('session_id', '=', expired)
      .execute();
    expect(tokens).toEqual([]);
    // The live session of the registration is untouched.
    expect(
      await t.sessions.isActive(
        (
          await t.db
            .selectFrom('sessions')
            .select('id')
            .where('user_id', '=', user.id)
            .where('expires_at', '>', new Date())
            .executeTakeFirstOrThrow()
        ).id,
      ),
    ).toBe(true);
  });
});
