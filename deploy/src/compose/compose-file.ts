// A compose file as `docker compose` sees it: YAML with merge keys (`<<: *anchor`) resolved and
// every string interpolated, plus small readers for the parts the checks need (dependencies,
// mounts, published ports, the Dockerfile a service builds). The Compose schema test checks
// the structure; the types below only name what the checks read.
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { parse } from 'yaml';
import { interpolateTree, type Variables } from './interpolate.js';

export type EnvironmentValue = string | number | boolean | null;

export interface ComposeDependency {
  condition?: string;
  required?: boolean;
}

export interface ComposeMount {
  type?: string;
  source?: string;
  target: string;
  read_only?: boolean;
}

export interface ComposePortMapping {
  target: number | string;
  published?: number | string;
  host_ip?: string;
}

export interface ComposeBuild {
  context?: string;
  dockerfile?: string;
}

export interface ComposeHealthcheck {
  test?: string | string[];
  disable?: boolean;
}

export interface ComposeService {
  image?: string;
  build?: string | ComposeBuild;
  command?: string | string[];
  environment?: Record<string, EnvironmentValue> | string[];
  env_file?: string | (string | { path: string; required?: boolean })[];
  depends_on?: string[] | Record<string, ComposeDependency>;
  healthcheck?: ComposeHealthcheck;
  volumes?: (string | ComposeMount)[];
  ports?: (string | number | ComposePortMapping)[];
  networks?: string[] | Record<string, unknown>;
  network_mode?: string;
  restart?: string;
  user?: string;
  read_only?: boolean;
  tmpfs?: string | string[];
  cap_drop?: string[];
  security_opt?: string[];
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, unknown>;
}

export interface LoadedCompose {
  /** Absolute path of the file; relative paths in it resolve against its directory. */
  path: string;
  dir: string;
  /** The interpolated document, for schema validation. */
  document: unknown;
  file: ComposeFile;
  /** Variables without a default, malformed expressions. */
  interpolationProblems: string[];
}

/**
 * Parses compose YAML text as if it were the file at `path` (relative paths in it resolve
 * against that file's directory, as compose resolves them).
 */
export function parseCompose(text: string, path: string, variables: Variables = {}): LoadedCompose {
  const parsed: unknown = parse(text, { merge: true });
  const { value, problems } = interpolateTree(parsed, variables);
  if (value === null || typeof value !== 'object' || !('services' in value)) {
    throw new Error('not a compose file: no `services`');
  }
  // The schema test validates the structure; these types describe what the checks read.
  return {
    path,
    dir: dirname(path),
    document: value,
    file: value as ComposeFile,
    interpolationProblems: problems,
  };
}

export function loadCompose(path: string, variables: Variables = {}): LoadedCompose {
  return parseCompose(readFileSync(path, 'utf8'), path, variables);
}

/** `depends_on` in its long form; the short (list) form means `service_started`. */
export function dependencies(service: ComposeService): Map<string, ComposeDependency> {
  const dependsOn = service.depends_on ?? [];
  if (Array.isArray(dependsOn)) {
    return new Map(dependsOn.map((name) => [name, { condition: 'service_started' }]));
  }
  return new Map(Object.entries(dependsOn));
}

/** A service's healthcheck, unless it has none or disables the image's. */
export function hasHealthcheck(service: ComposeService): boolean {
  const check = service.healthcheck;
  if (!check || check.disable === true) return false;
  const test = Array.isArray(check.test) ? check.test : [check.test ?? ''];
  return test.length > 0 && test[0] !== 'NONE' && test.join('') !== '';
}

/** Runs once and exits (a job, such as keygen), rather than serving. */
export function isOneShot(service: ComposeService): boolean {
  return service.restart === 'no';
}

export interface Mount {
  kind: 'volume' | 'bind' | 'tmpfs';
  /** Volume name, or the host path (absolute) of a bind mount. */
  source: string;
  target: string;
  readOnly: boolean;
}

/** The service's volumes in one shape; bind sources resolved against the compose file. */
export function mounts(service: ComposeService, composeDir: string): Mount[] {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') {
      const kind = volume.type === 'bind' ? 'bind' : volume.type === 'tmpfs' ? 'tmpfs' : 'volume';
      const source = volume.source ?? '';
      return {
        kind,
        source: kind === 'bind' ? normalize(join(composeDir, source)) : source,
        target: volume.target,
        readOnly: volume.read_only === true,
      };
    }
    const [source = '', target, mode = ''] = volume.split(':');
    if (target === undefined)
      return { kind: 'volume', source: '', target: source, readOnly: false };
    const isPath = /^[./~]/.test(source);
    return {
      kind: isPath ? 'bind' : 'volume',
      source: isPath ? normalize(join(composeDir, source)) : source,
      target,
      readOnly: mode.split(',').includes('ro'),
    };
  });
}

/** The mount a container path lives on (the deepest one) and the path inside it. */
export function mountOf(
  service: ComposeService,
  containerPath: string,
  composeDir: string,
): { mount: Mount; relative: string } | undefined {
  const candidates = mounts(service, composeDir)
    .filter((m) => containerPath === m.target || containerPath.startsWith(`${m.target}/`))
    .sort((a, b) => b.target.length - a.target.length);
  const mount = candidates[0];
  if (!mount) return undefined;
  return { mount, relative: containerPath.slice(mount.target.length).replace(/^\//, '') };
}

export interface PublishedPort {
  hostIp?: string;
  published?: number;
  target: number;
}

/** `ports` in one shape: "[ip:]published:target[/proto]", "target" or the long syntax. */
export function publishedPorts(service: ComposeService): PublishedPort[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'number') return { target: port };
    if (typeof port !== 'string') {
      return {
        ...(port.host_ip !== undefined && { hostIp: port.host_ip }),
        ...(port.published !== undefined && { published: Number(port.published) }),
        target: Number(port.target),
      };
    }
    const parts = port.replace(/\/(tcp|udp)$/, '').split(':');
    const target = Number(parts.at(-1));
    const published = parts.length >= 2 ? Number(parts.at(-2)) : undefined;
    const hostIp = parts.length >= 3 ? parts.slice(0, -2).join(':') : undefined;
    return {
      ...(hostIp !== undefined && { hostIp }),
      ...(published !== undefined && { published }),
      target,
    };
  });
}

/** The Dockerfile a service builds, relative to the compose file's directory. */
export function builtDockerfile(service: ComposeService): string | undefined {
  if (service.build === undefined) return undefined;
  const build = typeof service.build === 'string' ? { context: service.build } : service.build;
  return normalize(join(build.context ?? '.', build.dockerfile ?? 'Dockerfile'));
}

/** `command` as an argument list (the string form split on whitespace, as compose does). */
export function commandArgs(service: ComposeService): string[] {
  const command = service.command ?? [];
  return typeof command === 'string' ? command.split(/\s+/).filter((a) => a !== '') : command;
}

/** The networks a service joins (none for `network_mode`). */
export function serviceNetworks(service: ComposeService): string[] {
  const networks = service.networks ?? [];
  return Array.isArray(networks) ? networks : Object.keys(networks);
}
