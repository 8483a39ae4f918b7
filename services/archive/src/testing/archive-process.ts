// Real archive-service processes for the crash test and the measurement script: `node
// dist/main.js` with an environment built here (nothing inherited), on a free port, ready when
// GET /ready answers 200 (which, with ingest on, means it has joined its consumer group).
// SIGKILL is a crash: no goodbye, no commit, no cleanup.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  builtEntryPoint,
  startServiceProcess,
  type ServiceProcess,
} from '@falablau/common/testing';

export { freePort } from '@falablau/common/testing';

/** services/archive, from src/testing (jest) and dist/bench/src/testing (scripts) alike. */
function serviceDir(): string {
  let dir = fileURLToPath(new URL('.', import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'src', 'main.ts'))) {
    const parent = join(dir, '..');
    if (parent === dir) throw new Error('Cannot find services/archive');
    dir = parent;
  }
  return dir;
}

/** The built entry point; fails loudly when it is missing or older than the sources. */
export function archiveEntryPoint(): string {
  return builtEntryPoint(serviceDir(), '@falablau/archive');
}

export type ArchiveProcess = ServiceProcess;

export interface StartArchiveProcessOptions {
  /** The complete environment except PORT and HOST. */
  env: Record<string, string>;
  readyTimeoutMs?: number;
}

export function startArchiveProcess({
  env,
  readyTimeoutMs = 60_000,
}: StartArchiveProcessOptions): Promise<ArchiveProcess> {
  return startServiceProcess({
    name: 'archive',
    entryPoint: archiveEntryPoint(),
    cwd: serviceDir(),
    env,
    readyTimeoutMs,
  });
}

/** A counter of the process's /metrics, summed over the label sets that match `labels`. */
export async function scrapeCounter(
  url: string,
  name: string,
  labels: string[] = [],
): Promise<number> {
  const body = await fetch(`${url}/metrics`).then((res) => res.text());
  let total = 0;
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels.every((label) => line.includes(label))) total += Number(line.split(' ').at(-1));
  }
  return total;
}
