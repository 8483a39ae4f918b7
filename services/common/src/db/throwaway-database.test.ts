import { requireServer } from '../testing/servers.js';
import pg from 'pg';
import { createThrowawayDatabase, dropRetryingAutovacuum } from './throwaway-database.js';

function pgError(code: string): Error {
  return Object.assign(new Error(`pg error ${code}`), { code });
}

describe('dropRetryingAutovacuum', () => {
  it('retries while an autovacuum worker blocks the forced drop, then succeeds', async () => {
    let calls = 0;
    await dropRetryingAutovacuum(
      async () => {
        calls += 1;
        if (calls < 3) throw pgError('42501');
      },
      { delayMs: 1 },
    );
    expect(calls).toBe(3);
  });

  it('gives up after the bounded number of attempts with the last error', async () => {
    let calls = 0;
    await expect(
      dropRetryingAutovacuum(
        async () => {
          calls += 1;
          throw pgError('42501');
        },
        { attempts: 4, delayMs: 1 },
      ),
    ).rejects.toMatchObject({ code: '42501' });
    expect(calls).toBe(4);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    await expect(
      dropRetryingAutovacuum(
        async () => {
          calls += 1;
          throw pgError('55006');
        },
        { delayMs: 1 },
      ),
    ).rejects.toMatchObject({ code: '55006' });
    expect(calls).toBe(1);
  });
});

describe('createThrowawayDatabase', () => {
  it('creates an empty database and drops it even with a connection still open', async () => {
    const serverUrl = requireServer('DATABASE_URL');
    const database = await createThrowawayDatabase(serverUrl, 'Throwaway-Test');
    expect(database.name).toMatch(/^throwaway_test_[0-9a-f]{12}$/);
    const open = new pg.Client({ connectionString: database.url });
    open.on('error', () => undefined); // the forced drop terminates it
    await open.connect();
    await database.drop();
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [
        database.name,
      ]);
      expect(rowCount).toBe(0);
    } finally {
      await admin.end();
      await open.end().catch(() => undefined);
    }
  });
});
