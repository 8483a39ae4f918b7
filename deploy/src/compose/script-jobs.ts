// Runs the compose file's secret generator (the one-shot `keygen` service) on this machine, so
// the checks see the very files the services will read: the service's command is replayed with
// the script and the volume directories it names mapped from container paths to host paths
// (the script is bind-mounted from the repository, the volumes become temporary directories).
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { commandArgs, isOneShot, mounts, type LoadedCompose } from './compose-file.js';

export interface ScriptJobRun {
  /** The one-shot service that ran. */
  service: string;
  /** Named volume -> the directory now holding what the service wrote into it. */
  volumeDirs: Map<string, string>;
  output: string;
}

/** The one-shot services whose command runs a Node script bind-mounted from the repository. */
export function scriptJobs(compose: LoadedCompose): string[] {
  return Object.entries(compose.file.services)
    .filter(([, service]) => {
      const [program, script] = commandArgs(service);
      const scriptMount = mounts(service, compose.dir).find(
        (m) => m.kind === 'bind' && m.target === script,
      );
      return isOneShot(service) && program === 'node' && scriptMount !== undefined;
    })
    .map(([name]) => name);
}

/** Replays one such job with its volumes in `workDir`; throws when the script fails. */
export function runScriptJob(
  compose: LoadedCompose,
  serviceName: string,
  workDir: string,
): ScriptJobRun {
  const service = compose.file.services[serviceName];
  if (!service) throw new Error(`no service ${serviceName}`);
  const serviceMounts = mounts(service, compose.dir);
  const volumeDirs = new Map<string, string>();
  const hostArgs = commandArgs(service)
    .slice(1)
    .map((arg) => {
      const mount = serviceMounts.find((m) => m.target === arg);
      if (!mount) return arg;
      if (mount.kind === 'bind') return mount.source;
      const dir = join(workDir, mount.source);
      mkdirSync(dir, { recursive: true });
      volumeDirs.set(mount.source, dir);
      return dir;
    });
  const output = execFileSync(process.execPath, hostArgs, { encoding: 'utf8' });
  return { service: serviceName, volumeDirs, output };
}

/** Runs every script job of the file; their volume directories together. */
export function runScriptJobs(compose: LoadedCompose, workDir: string): Map<string, string> {
  const volumeDirs = new Map<string, string>();
  for (const job of scriptJobs(compose)) {
    for (const [volume, dir] of runScriptJob(compose, job, workDir).volumeDirs) {
      volumeDirs.set(volume, dir);
    }
  }
  return volumeDirs;
}
