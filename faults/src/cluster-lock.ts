// The fault run owns the local cluster from its start to its end: it holds scripts/cluster's lock
// (.infra/cluster/.lock, the one up.sh, down.sh and ctl.sh take) for the whole run, so another
// user of the cluster (make k6-smoke, a benchmark) waits instead of stopping it mid-fault. The
// runner's own script calls pass CLUSTER_LOCK_HELD=1 (scripts/cluster/lib.sh).
//
// Node has no flock(2): a `flock` child takes the lock and keeps it while its stdin is open, so
// the lock goes with the runner however it ends (even SIGKILL closes the pipe).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cluster.js';

export const clusterLockFile = join(repoRoot, '.infra/cluster/.lock');

/** Resolves with a release function once the lock is held; rejects after `timeoutMs`. */
export function holdClusterLock(
  timeoutMs: number,
  onWait: (message: string) => void,
): Promise<() => void> {
  mkdirSync(join(repoRoot, '.infra/cluster'), { recursive: true });
  const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1_000)));
  return new Promise((resolve, reject) => {
    const child = spawn(
      'flock',
      ['-w', seconds, clusterLockFile, 'sh', '-c', 'echo locked; exec cat >/dev/null'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let settled = false;
    const waiting = setTimeout(() => {
      if (!settled) {
        onWait(
          `another user of the local cluster holds ${clusterLockFile}; waiting (at most ${seconds} s)…`,
        );
      }
    }, 1_000);
    const release = () => {
      child.stdin.end();
      child.kill();
    };
    child.stdout.on('data', (chunk: Buffer) => {
      if (!settled && chunk.toString().includes('locked')) {
        settled = true;
        clearTimeout(waiting);
        resolve(release);
      }
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => {
      settled = true;
      clearTimeout(waiting);
      reject(new Error(`cannot run flock to hold ${clusterLockFile}: ${error.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(waiting);
      if (!settled) {
        settled = true;
        reject(
          new Error(
            `could not take ${clusterLockFile} within ${seconds} s (flock exited ${code ?? '?'}): another user of the local cluster is running ${stderr.trim()}`,
          ),
        );
      }
    });
  });
}
