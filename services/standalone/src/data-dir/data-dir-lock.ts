// One process per DATA_DIR: PGlite has no postmaster to refuse a second server, and two processes
// writing the same database files would corrupt it. A pid file says who holds the directory; one
// left behind by a process that no longer runs (a crash, kill -9) is taken over.
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from './errno.js';

export interface DataDirLock {
  release(): Promise<void>;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by process ${pid} (another FalaBLAU standalone server or ` +
        `create-admin). Stop it first, or use another DATA_DIR. If no such process runs, delete ` +
        `${join(dataDir, LOCK_FILE)}.`,
    );
    this.name = 'DataDirInUseError';
  }
}

const LOCK_FILE = 'standalone.pid';

function isRunning(pid: number): boolean {
  try {
    // Signal 0 checks existence and permission without signalling.
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if (errorCode(error) !== 'EEXIST' || attempt > 0) throw error;
      const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      // Our own pid too: this process holds it already (a second start in-process).
      if (Number.isInteger(pid) && isRunning(pid)) {
        throw new DataDirInUseError(dataDir, pid);
      }
      await unlink(file).catch(() => undefined);
    }
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await unlink(file).catch(() => undefined);
    },
  };
}
