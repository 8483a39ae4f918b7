// Where the checked files are, and what the repository says about itself (its workspaces and
// their versions), so the checks never hard-code what a file can tell them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, requireShared } from '../paths.js';

export const COMPOSE_FILES = {
  main: join(repoRoot, 'docker-compose.yml'),
  dev: join(repoRoot, 'docker-compose.dev.yml'),
} as const;

export const LOAD_BALANCER_CONF = join(repoRoot, 'deploy', 'compose', 'nginx.conf');
export const WEB_NGINX_CONF = join(repoRoot, 'web', 'nginx.conf');
export const DOCKERIGNORE = join(repoRoot, '.dockerignore');

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The workspaces of the root package.json, e.g. `services/auth`. */
export function workspaces(): string[] {
  const pkg = readJson(join(repoRoot, 'package.json'));
  const list = pkg !== null && typeof pkg === 'object' && 'workspaces' in pkg ? pkg.workspaces : [];
  if (!Array.isArray(list) || !list.every((w) => typeof w === 'string')) {
    throw new Error('package.json: workspaces is not a list of paths');
  }
  return list;
}

export function workspaceVersion(workspace: string): string {
  const pkg = readJson(join(repoRoot, workspace, 'package.json'));
  const version = pkg !== null && typeof pkg === 'object' && 'version' in pkg ? pkg.version : '';
  return typeof version === 'string' ? version : '';
}

/** The vendored Compose Specification schema (../shared/schemas). */
export function composeSchemaPath(): string {
  return requireShared('schemas', 'compose-spec.json');
}
