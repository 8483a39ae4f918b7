// Cross-checks of a compose file against itself and the contract: start-up order waits for
// health, every endpoint a service is configured with names a service of the file on the port
// that service listens on (with the credentials it was given), replicas are told apart, and
// volumes and networks are declared. Each check returns readable problems (empty = fine).
import {
  builtDockerfile,
  commandArgs,
  dependencies,
  hasHealthcheck,
  isOneShot,
  mounts,
  publishedPorts,
  serviceNetworks,
  type ComposeService,
  type LoadedCompose,
} from './compose-file.js';
import {
  DATA_SERVICES,
  IMAGES,
  KAFKA_IMAGE_PREFIX,
  type DataServiceKind,
  type ImageName,
} from './contract.js';

export type ServiceKind = ImageName | DataServiceKind | 'kafka';

/** What a compose service runs: one of our images (by its Dockerfile) or a data service. */
export function serviceKind(service: ComposeService): ServiceKind | undefined {
  const dockerfile = builtDockerfile(service);
  if (dockerfile !== undefined) {
    return Object.values(IMAGES).find((image) => image.dockerfile === dockerfile)?.name;
  }
  const image = service.image ?? '';
  if (image.startsWith(KAFKA_IMAGE_PREFIX)) return 'kafka';
  return DATA_SERVICES.find((d) => image.startsWith(d.imagePrefix))?.kind;
}

/** The compose services running one of our images, by image. */
export function servicesOfImage(compose: LoadedCompose, image: ImageName): string[] {
  return Object.entries(compose.file.services)
    .filter(([, service]) => serviceKind(service) === image)
    .map(([name]) => name);
}

/** The `environment` a data service is given (its own settings, such as POSTGRES_USER). */
function declaredEnv(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  const entries: [string, unknown][] = Array.isArray(environment)
    ? environment.map((item) => [item.split('=', 1)[0] ?? '', item.slice(item.indexOf('=') + 1)])
    : Object.entries(environment);
  return Object.fromEntries(entries.map(([key, value]) => [key, String(value)]));
}

// ── depends_on and health ─────────────────────────────────────────────────────────────────────

/** Every dependency exists and is waited for properly: healthy, or completed for a job. */
export function dependencyProblems(compose: LoadedCompose): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.file.services)) {
    for (const [target, dependency] of dependencies(service)) {
      const targetService = compose.file.services[target];
      if (!targetService) {
        problems.push(`${name} depends on ${target}, which is not a service of the file`);
        continue;
      }
      const condition = dependency.condition;
      if (condition === 'service_healthy') {
        if (!hasHealthcheck(targetService)) {
          problems.push(
            `${name} waits for ${target} to be healthy, but ${target} has no healthcheck`,
          );
        }
      } else if (condition === 'service_completed_successfully') {
        if (!isOneShot(targetService)) {
          problems.push(`${name} waits for ${target} to complete, but ${target} restarts`);
        }
      } else {
        problems.push(`${name} waits only for ${target} to start (use service_healthy)`);
      }
    }
  }
  return problems;
}

/** Every long-running service has a healthcheck (so dependents and `docker ps` can see it). */
export function healthcheckProblems(compose: LoadedCompose): string[] {
  return Object.entries(compose.file.services)
    .filter(([, service]) => !isOneShot(service) && !hasHealthcheck(service))
    .map(([name]) => `${name} has no healthcheck`);
}

// ── endpoints ─────────────────────────────────────────────────────────────────────────────────

/** The variables that name another service, and the kind of service each must reach. */
export const ENDPOINT_VARIABLES: Readonly<Record<string, ServiceKind>> = {
  DATABASE_URL: 'postgres',
  REDIS_URL: 'redis',
  MONGO_URI: 'mongo',
  KAFKA_BOOTSTRAP_SERVERS: 'kafka',
  AUTH_SERVICE_URL: 'auth',
  ARCHIVE_SERVICE_URL: 'archive',
};

const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  http: 80,
  https: 443,
  postgres: 5432,
  postgresql: 5432,
  redis: 6379,
  rediss: 6379,
  mongodb: 27017,
};

export interface Endpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  /** The path without its leading slash (a database name), if any. */
  path?: string;
}

/** The hosts of a URL (several for mongodb://a,b/), or of a host:port list (Kafka). */
export function parseEndpoints(variable: string, value: string): Endpoint[] {
  if (variable === 'KAFKA_BOOTSTRAP_SERVERS') {
    return value.split(',').map((item) => {
      const [host = '', port = ''] = item.trim().split(':');
      return { host, port: Number(port) };
    });
  }
  const match = /^([a-z][a-z0-9+.-]*):\/\/(?:([^@/]*)@)?([^/?#]+)(?:\/([^?#]*))?/i.exec(value);
  if (!match) return [];
  const [, scheme = '', userinfo, hosts = '', path] = match;
  const [username, password] =
    userinfo === undefined ? [] : userinfo.split(':').map((part) => decodeURIComponent(part));
  return hosts.split(',').map((hostPort) => {
    const [host = '', port] = hostPort.split(':');
    return {
      host,
      port: port === undefined ? (DEFAULT_PORTS[scheme.replace(/\+srv$/, '')] ?? 0) : Number(port),
      ...(username !== undefined && username !== '' && { username }),
      ...(password !== undefined && { password }),
      ...(path !== undefined && path !== '' && { path }),
    };
  });
}

interface KafkaListener {
  name: string;
  host: string;
  port: number;
}

function kafkaListeners(service: ComposeService, variable: string): KafkaListener[] {
  const value = declaredEnv(service)[variable] ?? '';
  return value
    .split(',')
    .map((item) => /^([A-Za-z0-9_]+):\/\/([^:]*):(\d+)$/.exec(item.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map(([, name = '', host = '', port = '']) => ({ name, host, port: Number(port) }));
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1']);

/**
 * Where an endpoint lands: a service of the file (by name inside the network, or through a
 * port published on localhost) and the container port the connection reaches.
 */
function resolveEndpoint(
  compose: LoadedCompose,
  endpoint: Endpoint,
): { service: string; containerPort: number } | string {
  if (compose.file.services[endpoint.host]) {
    return { service: endpoint.host, containerPort: endpoint.port };
  }
  if (LOCAL_HOSTS.has(endpoint.host)) {
    for (const [name, service] of Object.entries(compose.file.services)) {
      const port = publishedPorts(service).find((p) => p.published === endpoint.port);
      if (port) return { service: name, containerPort: port.target };
    }
    return `nothing publishes port ${String(endpoint.port)} on localhost`;
  }
  return `${endpoint.host} is not a service of the file`;
}

/** Whether a service of that kind accepts, on `containerPort`, a client that dialled `endpoint`. */
function listensOn(
  service: ComposeService,
  kind: ServiceKind,
  endpoint: Endpoint,
  containerPort: number,
  serviceName: string,
): boolean {
  if (kind === 'kafka') {
    // The broker answers with its advertised address, so that must be the one dialled, and
    // the listener of that name must be the container port the connection arrives at.
    const dialled = (host: string): boolean =>
      LOCAL_HOSTS.has(endpoint.host) ? LOCAL_HOSTS.has(host) : host === serviceName;
    const advertised = kafkaListeners(service, 'KAFKA_ADVERTISED_LISTENERS').find(
      (l) => dialled(l.host) && l.port === endpoint.port,
    );
    const listener = kafkaListeners(service, 'KAFKA_LISTENERS').find(
      (l) => l.name === advertised?.name,
    );
    return listener?.port === containerPort;
  }
  const data = DATA_SERVICES.find((d) => d.kind === kind);
  return (data?.port ?? IMAGES[kind as ImageName].port) === containerPort;
}

/** The credentials a data service was set up with, against those an endpoint uses. */
function credentialProblems(
  variable: string,
  endpoint: Endpoint,
  service: ComposeService,
  kind: ServiceKind,
  serviceName: string,
): string[] {
  const env = declaredEnv(service);
  const expected: Pick<Endpoint, 'username' | 'password' | 'path'> =
    kind === 'postgres'
      ? {
          username: env.POSTGRES_USER ?? 'postgres',
          ...(env.POSTGRES_PASSWORD !== undefined && { password: env.POSTGRES_PASSWORD }),
          path: env.POSTGRES_DB ?? env.POSTGRES_USER ?? 'postgres',
        }
      : kind === 'mongo'
        ? {
            ...(env.MONGO_INITDB_ROOT_USERNAME !== undefined && {
              username: env.MONGO_INITDB_ROOT_USERNAME,
            }),
            ...(env.MONGO_INITDB_ROOT_PASSWORD !== undefined && {
              password: env.MONGO_INITDB_ROOT_PASSWORD,
            }),
          }
        : kind === 'redis'
          ? redisPassword(service)
          : {};
  const fields = ['username', 'password', 'path'] as const;
  return fields
    .filter((field) => expected[field] !== undefined && endpoint[field] !== expected[field])
    .map((field) => `${variable}: its ${field} is not the one ${serviceName} is set up with`);
}

/** Redis takes its password on the command line (`--requirepass`). */
function redisPassword(service: ComposeService): Pick<Endpoint, 'password'> {
  const args = commandArgs(service);
  const password = args[args.indexOf('--requirepass') + 1];
  return args.includes('--requirepass') && password !== undefined ? { password } : {};
}

/**
 * The endpoint variables of one environment: each host is a service of the right kind in
 * `compose` (or published by it on localhost), on the port it listens on, with its credentials.
 * With `dependent`, that service must also be among the dependent's healthy dependencies.
 * `variables` names the variables to read and the kind each must reach.
 */
export function endpointProblems(
  compose: LoadedCompose,
  env: Readonly<Record<string, string>>,
  dependent?: string,
  variables: Readonly<Record<string, ServiceKind>> = ENDPOINT_VARIABLES,
): string[] {
  const problems: string[] = [];
  const dependsOn = dependent
    ? dependencies(compose.file.services[dependent] ?? {})
    : new Map<string, { condition?: string }>();
  for (const [variable, kind] of Object.entries(variables)) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    const endpoints = parseEndpoints(variable, value);
    if (endpoints.length === 0) problems.push(`${variable}: "${value}" names no host`);
    for (const endpoint of endpoints) {
      const resolved = resolveEndpoint(compose, endpoint);
      if (typeof resolved === 'string') {
        problems.push(`${variable}: ${resolved}`);
        continue;
      }
      const target = compose.file.services[resolved.service];
      if (!target) continue;
      const actual = serviceKind(target);
      if (actual !== kind) {
        problems.push(`${variable}: ${resolved.service} is not a ${kind} service`);
        continue;
      }
      if (!listensOn(target, kind, endpoint, resolved.containerPort, resolved.service)) {
        problems.push(
          `${variable}: ${resolved.service} does not listen on ${String(resolved.containerPort)}`,
        );
      }
      problems.push(...credentialProblems(variable, endpoint, target, kind, resolved.service));
      if (dependent && dependsOn.get(resolved.service)?.condition !== 'service_healthy') {
        problems.push(
          `${variable}: ${dependent} does not wait for ${resolved.service} to be healthy`,
        );
      }
    }
  }
  return problems;
}

/**
 * Our images run as the chart runs them: read-only root filesystem with a writable /tmp (all
 * they need), no capabilities, no privilege escalation.
 */
export function hardeningProblems(compose: LoadedCompose): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.file.services)) {
    if (!Object.values(IMAGES).some((image) => image.name === serviceKind(service))) continue;
    const tmpfs = typeof service.tmpfs === 'string' ? [service.tmpfs] : (service.tmpfs ?? []);
    if (service.read_only !== true) problems.push(`${name}: the root filesystem is writable`);
    if (!tmpfs.some((t) => t.split(':')[0] === '/tmp')) problems.push(`${name}: no tmpfs at /tmp`);
    if (!(service.cap_drop ?? []).includes('ALL'))
      problems.push(`${name}: capabilities not dropped`);
    if (!(service.security_opt ?? []).includes('no-new-privileges:true')) {
      problems.push(`${name}: privilege escalation not prevented (no-new-privileges)`);
    }
  }
  return problems;
}

// ── ports, replicas, volumes, networks ────────────────────────────────────────────────────────

/** Published ports of our images lead to the port the image listens on. */
export function publishedPortProblems(compose: LoadedCompose): string[] {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.file.services)) {
    const image = Object.values(IMAGES).find((i) => i.name === serviceKind(service));
    if (!image) continue;
    const expected = image.port;
    for (const port of publishedPorts(service)) {
      if (port.target !== expected) {
        problems.push(
          `${name} publishes container port ${String(port.target)}, but listens on ${String(expected)}`,
        );
      }
    }
  }
  return problems;
}

/**
 * Replicas of one image (several chat containers): at least `minimum`, each with its own
 * INSTANCE_ID, and with a Redis adapter as soon as there is more than one.
 */
export function replicaProblems(
  replicas: ReadonlyMap<string, Readonly<Record<string, string>>>,
  minimum: number,
): string[] {
  const problems: string[] = [];
  if (replicas.size < minimum) {
    problems.push(`${String(replicas.size)} replica(s), expected at least ${String(minimum)}`);
  }
  const seen = new Map<string, string>();
  for (const [name, env] of replicas) {
    const id = env.INSTANCE_ID;
    if (id === undefined || id === '') {
      problems.push(`${name} has no INSTANCE_ID (the default is the container's hostname)`);
    } else if (seen.has(id)) {
      problems.push(`${name} and ${seen.get(id) ?? ''} share INSTANCE_ID ${id}`);
    } else {
      seen.set(id, name);
    }
    if (replicas.size > 1 && (env.REDIS_URL ?? '') === '') {
      problems.push(`${name} has no REDIS_URL: broadcasts would not cross replicas`);
    }
  }
  return problems;
}

/** Named volumes and networks in use are declared; all services share the one network. */
export function volumeAndNetworkProblems(compose: LoadedCompose): string[] {
  const problems: string[] = [];
  const volumes = new Set(Object.keys(compose.file.volumes ?? {}));
  const networks = Object.keys(compose.file.networks ?? {});
  if (networks.length !== 1) {
    problems.push(`declares ${String(networks.length)} networks, expected exactly one`);
  }
  for (const [name, service] of Object.entries(compose.file.services)) {
    for (const mount of mounts(service, compose.dir)) {
      // An empty source is an anonymous volume, which needs no declaration.
      if (mount.kind === 'volume' && mount.source !== '' && !volumes.has(mount.source)) {
        problems.push(`${name} mounts volume ${mount.source}, which is not declared`);
      }
    }
    const joined = serviceNetworks(service);
    if (service.network_mode === undefined && !networks.every((n) => joined.includes(n))) {
      problems.push(`${name} is not on the network ${networks.join(', ')}`);
    }
    for (const network of joined) {
      if (!networks.includes(network)) problems.push(`${name} joins undeclared network ${network}`);
    }
  }
  return problems;
}

/**
 * Volumes written by a job (the generated secrets) are mounted read-only by every other
 * service: only the job that creates them may change them.
 */
export function readOnlyMountProblems(compose: LoadedCompose, volumes: Iterable<string>): string[] {
  const problems: string[] = [];
  const names = new Set(volumes);
  for (const [name, service] of Object.entries(compose.file.services)) {
    if (isOneShot(service)) continue;
    for (const mount of mounts(service, compose.dir)) {
      if (mount.kind === 'volume' && names.has(mount.source) && !mount.readOnly) {
        problems.push(`${name} mounts ${mount.source} writable`);
      }
    }
  }
  return problems;
}

/** Every `*_FILE` variable points to a file the container can read. */
export function fileVariableProblems(
  env: Readonly<Record<string, string>>,
  read: (containerPath: string) => string | undefined,
): string[] {
  return Object.entries(env)
    .filter(([key, value]) => key.endsWith('_FILE') && value !== '')
    .filter(([, value]) => read(value) === undefined)
    .map(([key, value]) => `${key}: ${value} is not in the container (no volume holds it)`);
}
