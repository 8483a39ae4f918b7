import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./testing/fixtures/graceful-service.mjs', import.meta.url));
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

interface Run {
  code: number | null;
  lines: { msg: string; level: number }[];
}

/** Runs the fixture, optionally sends SIGTERM once it listens, and collects its JSON log lines. */
function runFixture(mode: string, signal?: NodeJS.Signals): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture, mode], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: Run['lines'] = [];
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = JSON.parse(buffer.slice(0, i)) as Run['lines'][number];
        buffer = buffer.slice(i + 1);
        lines.push(line);
        if (signal && line.msg === 'listening') child.kill(signal);
      }
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fixture ${mode} did not exit within 10 s`));
    }, 10_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, lines });
    });
  });
}

beforeAll(() => {
  if (!existsSync(dist))
    throw new Error('Build @falablau/common first: npm run build -w @falablau/common');
});

describe('runService', () => {
  it('when SIGTERM arrives, then stop runs and the process exits 0', async () => {
    const run = await runFixture('ok', 'SIGTERM');
    expect(run.code).toBe(0);
    expect(run.lines.map((l) => l.msg)).toEqual([
      'listening',
      'shutting down',
      'closed server',
      'stopped',
    ]);
  });

  it('when start fails, then the process logs fatal and exits 1', async () => {
    const run = await runFixture('fail-start');
    expect(run.code).toBe(1);
    expect(run.lines).toContainEqual(
      expect.objectContaining({ msg: 'failed to start', level: 60 }),
    );
  });

  it('when an unhandled rejection happens, then the same shutdown path runs and exits non-zero', async () => {
    const run = await runFixture('crash');
    expect(run.code).not.toBe(0);
    expect(run.lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['fatal error: shutting down', 'closed server', 'stopped']),
    );
  });
});
