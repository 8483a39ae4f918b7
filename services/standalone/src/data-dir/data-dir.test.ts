import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError, lockDataDir } from './data-dir-lock.js';
import { loadOrCreateSecret } from './persisted-secret.js';

describe('DATA_DIR lock and secrets', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'falablau-data-dir-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('when the directory is free, then it is locked with our pid until released', async () => {
    const lock = await lockDataDir(join(dir, 'data'));
    expect(await readFile(join(dir, 'data', 'standalone.pid'), 'utf8')).toBe(`${process.pid}\n`);
    await expect(lockDataDir(join(dir, 'data'))).rejects.toBeInstanceOf(DataDirInUseError);
    await lock.release();
    expect(existsSync(join(dir, 'data', 'standalone.pid'))).toBe(false);
    await (await lockDataDir(join(dir, 'data'))).release();
  });

  test('when a pid file names a process that has ended, then the lock is taken over', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid ?? 0;
    await new Promise((resolve) => child.once('exit', resolve));
    await writeFile(join(dir, 'standalone.pid'), `${pid}\n`);
    const lock = await lockDataDir(dir);
    expect(await readFile(join(dir, 'standalone.pid'), 'utf8')).toBe(`${process.pid}\n`);
    await lock.release();
  });

  test('when a secret is asked for twice, then it is generated once, kept private, and the same', async () => {
    const file = join(dir, 'keys', 'client.secret');
    const first = await loadOrCreateSecret(file);
    expect(first).toMatch(/^[\w-]{43}$/);
    expect(await loadOrCreateSecret(file)).toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
