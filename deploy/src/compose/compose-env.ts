// The environment a container of a compose service actually starts with, assembled the way
// Docker and Node assemble it: the image's ENV, then `env_file` (in order), then `environment`
// (each overriding the one before); then, for `node --env-file=<path>` in `command`, the
// file's variables for names still unset (Node lets the real environment win). Files inside the
// container are read through a ContainerFiles function, so the tests can serve the volumes
// from what the keygen service would write.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import {
  commandArgs,
  mountOf,
  type ComposeService,
  type EnvironmentValue,
  type LoadedCompose,
} from './compose-file.js';
import { envValues, parseEnvFile } from './env-file.js';

/** Reads a file as a container of the service sees it; undefined when it does not exist. */
export type ContainerFiles = (service: string, containerPath: string) => string | undefined;

export interface EffectiveEnvironment {
  env: Record<string, string>;
  /** The names compose sets (env_file and environment), where typos can hide. */
  composeKeys: string[];
  problems: string[];
}

function environmentMap(
  environment: ComposeService['environment'],
): Record<string, string | undefined> {
  if (environment === undefined) return {};
  const entries: [string, EnvironmentValue | undefined][] = Array.isArray(environment)
    ? environment.map((item) => {
        const at = item.indexOf('=');
        return at < 0 ? [item, undefined] : [item.slice(0, at), item.slice(at + 1)];
      })
    : Object.entries(environment);
  // A name without a value (`KEY:` or `- KEY`) is taken from the shell, i.e. unset here.
  return Object.fromEntries(
    entries.map(([key, value]) => [
      key,
      value === null || value === undefined ? undefined : String(value),
    ]),
  );
}

function envFiles(service: ComposeService): { path: string; required: boolean }[] {
  const files = service.env_file ?? [];
  const list = typeof files === 'string' ? [files] : files;
  return list.map((item) =>
    typeof item === 'string'
      ? { path: item, required: true }
      : { path: item.path, required: item.required ?? true },
  );
}

/** `node --env-file=<path>` (and `--env-file-if-exists`) arguments of the service's command. */
export function commandEnvFiles(service: ComposeService): { path: string; optional: boolean }[] {
  const args = commandArgs(service);
  if (args[0] !== 'node') return [];
  const found: { path: string; optional: boolean }[] = [];
  args.forEach((arg, index) => {
    const match = /^--env-file(-if-exists)?(?:=(.*))?$/.exec(arg);
    if (!match) return;
    const path = match[2] ?? args[index + 1];
    if (path !== undefined) found.push({ path, optional: match[1] !== undefined });
  });
  return found;
}

/**
 * A ContainerFiles that serves bind mounts from the host and named volumes from the given
 * directories (volume name -> directory holding its contents).
 */
export function containerFiles(
  compose: LoadedCompose,
  volumeDirs: ReadonlyMap<string, string>,
): ContainerFiles {
  return (serviceName, containerPath) => {
    const service = compose.file.services[serviceName];
    if (!service) return undefined;
    const found = mountOf(service, containerPath, compose.dir);
    if (!found) return undefined;
    const { mount, relative } = found;
    const base = mount.kind === 'bind' ? mount.source : volumeDirs.get(mount.source);
    if (base === undefined) return undefined;
    const path = relative === '' ? base : join(base, relative);
    return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  };
}

export function effectiveEnvironment(
  compose: LoadedCompose,
  serviceName: string,
  options: { imageEnv?: Readonly<Record<string, string>>; files?: ContainerFiles } = {},
): EffectiveEnvironment {
  const service = compose.file.services[serviceName];
  if (!service) throw new Error(`no service ${serviceName} in ${compose.path}`);
  const problems: string[] = [];
  const fromFiles: Record<string, string> = {};
  for (const file of envFiles(service)) {
    const path = isAbsolute(file.path) ? file.path : join(compose.dir, file.path);
    if (!existsSync(path)) {
      if (file.required) problems.push(`env_file ${file.path} does not exist`);
      continue;
    }
    const parsed = parseEnvFile(readFileSync(path, 'utf8'));
    problems.push(...parsed.problems.map((p) => `env_file ${file.path}: ${p}`));
    Object.assign(fromFiles, envValues(parsed));
  }
  const fromEnvironment = environmentMap(service.environment);
  const containerEnv: Record<string, string> = { ...options.imageEnv, ...fromFiles };
  for (const [key, value] of Object.entries(fromEnvironment)) {
    if (value === undefined) Reflect.deleteProperty(containerEnv, key);
    else containerEnv[key] = value;
  }

  const fromCommand: Record<string, string> = {};
  for (const file of commandEnvFiles(service)) {
    const text = options.files?.(serviceName, file.path);
    if (text === undefined) {
      if (!file.optional) problems.push(`node --env-file ${file.path} is not in the container`);
      continue;
    }
    const parsed = parseEnvFile(text);
    problems.push(...parsed.problems.map((p) => `--env-file ${file.path}: ${p}`));
    Object.assign(fromCommand, envValues(parsed));
  }

  return {
    env: { ...fromCommand, ...containerEnv },
    composeKeys: [...new Set([...Object.keys(fromFiles), ...Object.keys(fromEnvironment)])],
    problems,
  };
}
