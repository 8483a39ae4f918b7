// N chat processes sharing one throw-away database, the test Redis and Kafka, and a token
// minter standing in for auth-service. Each cluster gets its own Redis key prefix, so clusters
// of concurrent test files (or the latency script) never see each other's broadcasts.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createThrowawayDatabase, type ThrowawayDatabase } from '@falablau/common';
import { requireServer } from '@falablau/common/testing';
import type { Room } from '@falablau/common/contracts';
import { startChatProcess, type ChatProcess } from './chat-process.js';
import {
  connectClient,
  record,
  type ChatClient,
  type ConnectOptions,
  type Recorder,
} from './socket-client.js';
import { createTokenMinter, type TestUser, type TokenMinter } from './token-minter.js';

export interface ChatClusterOptions {
  /** Processes started at once (more with `startProcess`). Default 2. */
  processes?: number;
  /** Browser origins allowed to connect (CORS_ORIGINS). */
  corsOrigins?: string[];
  /** Extra or overriding environment, e.g. short presence timings: `{PRESENCE_LEASE: '2s'}`. */
  env?: Record<string, string>;
  /** Prefix of the database name and instance ids. */
  name?: string;
}

export interface ChatCluster {
  minter: TokenMinter;
  processes: ChatProcess[];
  /** The `index`th process started (throws if there is none). */
  process(index: number): ChatProcess;
  /**
   * Starts one more process with the cluster's environment; `instanceId` reuses a name (a process
   * started again under the same INSTANCE_ID, as a restarted pod is).
   */
  startProcess(options?: { instanceId?: string }): Promise<ChatProcess>;
  /** Runs SQL on the cluster's database (schema `chat`), e.g. to check what was stored. */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
  /** Creates a room through the REST API as `owner` (who becomes its first member). */
  createRoom(owner: TestUser, name?: string, via?: ChatProcess): Promise<Room>;
  /** Connects as `user` (a fresh token unless one is given) and records what arrives. */
  connect(user: TestUser, via: ChatProcess, options?: ConnectOptions): Promise<ConnectedClient>;
  /** Disconnects every client `connect` opened (e.g. in afterEach). */
  disconnectClients(): void;
  close(): Promise<void>;
}

export interface ConnectedClient {
  client: ChatClient;
  events: Recorder;
}

/** Defaults that keep tests fast; a test overrides them with `env`. */
const fastPresence = {
  PRESENCE_HEARTBEAT_INTERVAL: '1s',
  PRESENCE_LEASE: '3s',
  PRESENCE_OFFLINE_GRACE: '0s',
};

export async function startChatCluster(options: ChatClusterOptions = {}): Promise<ChatCluster> {
  const name = options.name ?? 'chat_cluster';
  const tag = randomBytes(4).toString('hex');
  let database: ThrowawayDatabase | undefined;
  let minter: TokenMinter | undefined;
  let pool: pg.Pool | undefined;
  const processes: ChatProcess[] = [];
  const clients: ChatClient[] = [];
  const disconnectClients = (): void => {
    for (const client of clients.splice(0)) client.disconnect();
  };

  async function close(): Promise<void> {
    disconnectClients();
    await Promise.allSettled(processes.map((p) => p.stop()));
    await pool?.end();
    await minter?.close();
    await database?.drop();
  }

  try {
    database = await createThrowawayDatabase(requireServer('DATABASE_URL'), name);
    minter = await createTokenMinter();
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.url,
      REDIS_URL: requireServer('REDIS_URL'),
      KAFKA_BOOTSTRAP_SERVERS: requireServer('KAFKA_BOOTSTRAP_SERVERS'),
      AUTH_SERVICE_URL: minter.authServiceUrl,
      JWT_ISSUER: minter.issuer,
      JWT_AUDIENCE: minter.audience,
      CORS_ORIGINS: (options.corsOrigins ?? []).join(','),
      SOCKET_REDIS_KEY_PREFIX: `test:${tag}`,
      ...fastPresence,
      ...options.env,
    };
    let started = 0;
    const startProcess = async (opts: { instanceId?: string } = {}): Promise<ChatProcess> => {
      started += 1;
      const instanceId = opts.instanceId ?? `${name}-${tag}-${started}`;
      const child = await startChatProcess({ instanceId, env });
      processes.push(child);
      return child;
    };
    // The first one migrates the fresh database alone; the others then start side by side.
    await startProcess();
    await Promise.all(Array.from({ length: (options.processes ?? 2) - 1 }, () => startProcess()));
    pool = new pg.Pool({ connectionString: database.url, max: 2, options: '-c search_path=chat' });
    const db = pool;
    const tokens = minter;

    return {
      minter: tokens,
      processes,
      process(index) {
        const found = processes[index];
        if (!found) throw new Error(`the cluster has no process #${index}`);
        return found;
      },
      startProcess,
      query: async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
        (await db.query<R>(text, values)).rows,
      async createRoom(owner, roomName = `room-${randomBytes(4).toString('hex')}`, via) {
        const target = via ?? processes.find((p) => !p.exited);
        if (!target) throw new Error('no chat process is running');
        const res = await fetch(`${target.url}/rooms`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${await tokens.mint(owner)}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ name: roomName }),
        });
        if (res.status !== 201) throw new Error(`POST /rooms: ${res.status} ${await res.text()}`);
        return (await res.json()) as Room;
      },
      async connect(user, via, options = {}) {
        const token = options.token ?? (await tokens.mint(user));
        const client = await connectClient(via.url, { ...options, token });
        clients.push(client);
        return { client, events: record(client) };
      },
      disconnectClients,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
