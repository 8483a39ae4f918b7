// The local cluster as the benchmark finds it: scripts/cluster/up.sh has started auth, two chat
// processes, archive and nginx against the servers of `make infra-up`, and written
// .infra/cluster/cluster.env. This reads their addresses and pids, and the pids of the servers
// (Postgres, Redis, Kafka, FerretDB), whose CPU is counted as the servers' too.
import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessGroup } from '../system/proc.js';
import type { SigningSpec } from '../worker/protocol.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ClusterInfo {
  baseUrl: string;
  authUrl: string;
  chatA: string;
  chatB: string;
  archiveUrl: string;
  pids: { auth: number; archive: number; chatA: number; chatB: number; nginx: number };
  databaseUrl: string;
  mongoUri: string;
  redisUrl: string;
  kafka: string;
  /** Servers of `make infra-up`. */
  infraPids: { postgres?: number; redis?: number; kafka?: number; mongo?: number };
}

export function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) out.set(match[1], match[2]);
  }
  return out;
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]?.trim());
    return Number.isInteger(pid) && pid > 0 && existsSync(`/proc/${pid}`) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function readCluster(): ClusterInfo {
  const file = join(repoRoot, '.infra/cluster/cluster.env');
  if (!existsSync(file))
    throw new Error(
      '.infra/cluster/cluster.env is missing: the cluster is not up (make cluster-up)',
    );
  const env = parseEnvFile(readFileSync(file, 'utf8'));
  const local = parseEnvFile(readFileSync(join(repoRoot, '.env.local'), 'utf8'));
  const need = (map: Map<string, string>, key: string, where: string) => {
    const value = map.get(key);
    if (!value) throw new Error(`${where} has no ${key}`);
    return value;
  };
  const pid = (key: string) => {
    const value = Number(need(env, key, 'cluster.env'));
    if (!Number.isInteger(value) || !existsSync(`/proc/${value}`)) {
      throw new Error(`${key}=${value}: not running (make cluster-up)`);
    }
    return value;
  };
  const infra = (name: string) => readPid(join(repoRoot, `.infra/run/${name}.pid`));
  const postgres = readPid(join(repoRoot, '.infra/postgres/data/postmaster.pid'));
  return {
    baseUrl: need(env, 'BASE_URL', 'cluster.env'),
    authUrl: need(env, 'AUTH_URL', 'cluster.env'),
    chatA: need(env, 'CHAT_A_URL', 'cluster.env'),
    chatB: need(env, 'CHAT_B_URL', 'cluster.env'),
    archiveUrl: need(env, 'ARCHIVE_URL', 'cluster.env'),
    pids: {
      auth: pid('AUTH_PID'),
      archive: pid('ARCHIVE_PID'),
      chatA: pid('CHAT_A_PID'),
      chatB: pid('CHAT_B_PID'),
      nginx: pid('NGINX_PID'),
    },
    databaseUrl: need(env, 'CLUSTER_DATABASE_URL', 'cluster.env'),
    mongoUri: need(env, 'CLUSTER_MONGO_URI', 'cluster.env'),
    redisUrl: need(local, 'REDIS_URL', '.env.local'),
    kafka: need(local, 'KAFKA_BOOTSTRAP_SERVERS', '.env.local'),
    infraPids: {
      ...(postgres ? { postgres } : {}),
      ...(infra('redis') ? { redis: infra('redis') } : {}),
      ...(infra('kafka') ? { kafka: infra('kafka') } : {}),
      ...(infra('ferretdb') ? { mongo: infra('ferretdb') } : {}),
    },
  };
}

/** The servers' process groups: every process the workload runs on besides the generator. */
export function serverGroups(cluster: ClusterInfo): ProcessGroup[] {
  const groups: ProcessGroup[] = [
    { name: 'chat-a', role: 'server', pids: [cluster.pids.chatA], tree: false },
    { name: 'chat-b', role: 'server', pids: [cluster.pids.chatB], tree: false },
    { name: 'auth', role: 'server', pids: [cluster.pids.auth], tree: false },
    { name: 'archive', role: 'server', pids: [cluster.pids.archive], tree: false },
    { name: 'nginx', role: 'server', pids: [cluster.pids.nginx], tree: true },
  ];
  const { postgres, redis, kafka, mongo } = cluster.infraPids;
  if (postgres) groups.push({ name: 'postgres', role: 'server', pids: [postgres], tree: true });
  if (redis) groups.push({ name: 'redis', role: 'server', pids: [redis], tree: false });
  if (kafka) groups.push({ name: 'kafka', role: 'server', pids: [kafka], tree: false });
  if (mongo) groups.push({ name: 'ferretdb', role: 'server', pids: [mongo], tree: false });
  return groups;
}

/**
 * auth-service's signing key on the local cluster (its development key in
 * .infra/cluster/keys), checked against the JWKS auth-service serves: the generator mints its
 * users' access tokens with it, so chat-service verifies them exactly as auth-service's own.
 */
export async function clusterSigning(cluster: ClusterInfo, ttlSec: number): Promise<SigningSpec> {
  const pem = readFileSync(join(repoRoot, '.infra/cluster/keys/jwt-es256.pem'), 'utf8');
  const jwk = createPublicKey(pem).export({ format: 'jwk' });
  const response = await fetch(new URL('/.well-known/jwks.json', cluster.authUrl));
  const jwks = (await response.json()) as { keys?: { kid?: string; x?: string }[] };
  // The kid auth-service publishes for this key (its thumbprint, or a configured JWT_KEY_ID).
  const served = jwks.keys?.find((k) => k.x === jwk.x);
  if (!served?.kid) {
    throw new Error(
      'auth-service does not serve the key in .infra/cluster/keys (was it started by scripts/cluster?)',
    );
  }
  return { pem, kid: served.kid, issuer: 'falablau-auth', audience: 'falablau', ttlSec };
}
