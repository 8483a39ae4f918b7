// The built entry point as `npm start` runs it: banner, graceful stop on SIGTERM with the data
// kept, one server per DATA_DIR, and the create-admin CLI on the embedded database.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAdminEntryPoint,
  entryPoint,
  runToEnd,
  startStandaloneProcess,
} from './testing/standalone-process.js';
import { api, registerUser, type Tokens } from './testing/test-standalone.js';

const password = 'correct horse battery staple';

describe('the standalone server as a process', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'falablau-standalone-process-'));
    env = { DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn', WEB_DIST: join(dir, 'no-web') };
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('when started, stopped with SIGTERM and started again, then the account survives and the first start said how to get an admin', async () => {
    const first = await startStandaloneProcess(env);
    expect(first.output()).toContain('Nobody is an admin yet');
    expect(first.output()).toContain('created now');
    await registerUser(first.url, 'dana', password);

    const second = await runToEnd([entryPoint], { ...env, PORT: '0', HOST: '127.0.0.1' });
    expect(second.code).toBe(1);
    expect(second.output).toContain(`in use by process ${first.pid}`);

    expect(await first.stop('SIGTERM')).toBe(0);
    expect(existsSync(join(dir, 'data', 'standalone.pid'))).toBe(false);

    const again = await startStandaloneProcess(env);
    expect(again.output()).not.toContain('created now');
    const login = await api<Tokens>(again.url, '/api/auth/login', {
      body: { username: 'dana', password },
    });
    expect(login.status).toBe(200);
    expect(await again.stop('SIGINT')).toBe(0);
  }, 120_000);

  test('when create-admin runs while the server is stopped, then the account is an admin and the banner stops asking', async () => {
    const created = await runToEnd([createAdminEntryPoint, 'admin1'], env, `${password}\n`);
    expect(created).toMatchObject({ code: 0 });
    expect(created.output).toContain('admin1: created');
    const promoted = await runToEnd([createAdminEntryPoint, 'dana'], env);
    expect(promoted.output).toContain('dana: promoted');

    const server = await startStandaloneProcess(env);
    expect(server.output()).not.toContain('Nobody is an admin yet');
    const login = await api<Tokens>(server.url, '/api/auth/login', {
      body: { username: 'admin1', password },
    });
    expect(login.body.user.role).toBe('admin');

    const refused = await runToEnd([createAdminEntryPoint, 'admin2'], {
      ...env,
      ADMIN_PASSWORD: password,
    });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('in use by process');
    expect(await server.stop()).toBe(0);
  }, 120_000);
});
