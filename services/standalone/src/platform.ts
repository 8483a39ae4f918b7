// The whole platform in this process: the same createApp of each service as in the cluster, wired
// to embedded parts (one PGlite database, one in-process event bus, in-memory Socket.IO), behind
// one HTTP server that routes like the ingress. main.ts runs it; tests start it on port 0.
import { join } from 'node:path';
import type { ArchiveApp } from '@falablau/archive/dist/app.js';
import type { AuthApp } from '@falablau/auth/dist/app.js';
import type { ChatApp } from '@falablau/chat/dist/app.js';
import { loadSigningKeys } from '@falablau/auth/dist/tokens/signing-keys.js';
import {
  createInProcessEventBus,
  createLogger,
  createMetrics,
  openEmbeddedPostgres,
  type EmbeddedPostgres,
  type Logger,
} from '@falablau/common';
import type { StandaloneConfig } from './config.js';
import { lockDataDir } from './data-dir/data-dir-lock.js';
import { loadOrCreateSecret } from './data-dir/persisted-secret.js';
import { createGateway } from './gateway/gateway-server.js';
import { createOpsApp } from './gateway/ops-app.js';
import { createWebApp } from './gateway/web-app.js';
import { startArchive } from './wiring/archive.js';
import { startAuth } from './wiring/auth.js';
import { startChat } from './wiring/chat.js';

export interface PlatformOptions {
  config: StandaloneConfig;
  /** The web app's build folder (it may not exist yet). */
  webDist: string;
}

export interface Platform {
  port: number;
  /** Where browsers reach the platform (PUBLIC_URL, or http://localhost:PORT). */
  url: string;
  /** This start created the database. */
  firstStart: boolean;
  /** Some account has the admin role. */
  hasAdmin: boolean;
  /** The running parts, for tests and tools (the mover's `moveOnce`, the database). */
  parts: { auth: AuthApp; chat: ChatApp; archive: ArchiveApp; postgres: EmbeddedPostgres };
  /** Graceful stop: drain requests, close sockets, finish work in flight, close the database. */
  close(): Promise<void>;
}

/** chat-service's OAuth2 client at auth-service, with the scopes its archive client asks for. */
const CHAT_CLIENT_ID = 'chat-service';
const CHAT_CLIENT_SCOPES = ['archive:read', 'archive:write'];

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '127.0.0.1', 'localhost', '::1']);

/** How this process reaches its own gateway (chat's archive client, the token endpoint). */
function internalBaseUrl(host: string, port: number): string {
  if (host === '::' || host === '::1') return `http://[::1]:${port}`;
  if (WILDCARD_HOSTS.has(host)) return `http://127.0.0.1:${port}`;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function publicBaseUrl(config: StandaloneConfig, port: number): string {
  if (config.publicUrl) return config.publicUrl;
  const host = WILDCARD_HOSTS.has(config.host) ? 'localhost' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

type Step = () => Promise<void> | void;

/** Runs the recorded close steps, newest first; one failing does not stop the others. */
async function unwind(steps: Step[], logger: Logger): Promise<void> {
  for (const step of steps.splice(0).reverse()) {
    try {
      await step();
    } catch (error) {
      logger.error({ err: error }, 'error while stopping');
    }
  }
}

export async function startPlatform({ config, webDist }: PlatformOptions): Promise<Platform> {
  const loggerFor = (name: string) => createLogger({ name, level: config.logLevel });
  const logger = loggerFor('standalone');
  const steps: Step[] = [];

  try {
    const lock = await lockDataDir(config.dataDir);
    steps.push(() => lock.release());

    // Listening first: a taken port fails in milliseconds, not after the database opened.
    const gateway = createGateway(logger);
    const port = await gateway.listen(config.port, config.host);
    steps.push(() => {
      gateway.destroyConnections();
    });
    const internal = internalBaseUrl(config.host, port);
    const url = publicBaseUrl(config, port);

    const postgres = await openEmbeddedPostgres({
      dataDir: join(config.dataDir, 'pg'),
      logger,
      sharedBuffers: config.pgSharedBuffers,
    });
    steps.push(() => postgres.close());

    const metrics = createMetrics({ service: 'standalone' });
    const eventBus = createInProcessEventBus({ logger, registry: metrics.registry });
    steps.push(() => eventBus.close());

    const authLogger = loggerFor('auth');
    const signingKeys = await loadSigningKeys(config.auth.jwt, authLogger);
    const clientSecret = await loadOrCreateSecret(
      join(config.dataDir, 'keys', `${CHAT_CLIENT_ID}.secret`),
    );

    const {
      auth,
      metrics: authMetrics,
      hasAdmin,
    } = await startAuth({
      config: config.auth,
      logger: authLogger,
      postgres,
      eventBus,
      signingKeys,
      serviceClients: { [CHAT_CLIENT_ID]: { secret: clientSecret, scopes: CHAT_CLIENT_SCOPES } },
      publicUrl: `${url}/api/auth`,
    });
    steps.push(() => auth.close());

    const { archive, metrics: archiveMetrics } = await startArchive({
      config: config.archive,
      logger: loggerFor('archive'),
      postgres,
      eventBus,
      jwks: signingKeys.jwks,
    });
    steps.push(() => archive.close());

    const archiveLink = config.chat.archive;
    if (!archiveLink) throw new Error('chat has no archive configuration');
    const { chat, metrics: chatMetrics } = await startChat({
      config: config.chat,
      logger: loggerFor('chat'),
      postgres,
      eventBus,
      jwks: signingKeys.jwks,
      archive: {
        ...archiveLink,
        url: `${internal}/api/archive`,
        tokenEndpoint: `${internal}/api/auth/oauth/token`,
        clientId: CHAT_CLIENT_ID,
        clientSecret,
      },
    });
    // Chat stops before archive and auth: its mover's last batch may still be talking to them.
    steps.push(() => chat.close());

    const web = await createWebApp(webDist, logger);
    await web.ready();
    steps.push(() => web.close());
    const ops = await createOpsApp({
      logger,
      metrics,
      services: [
        { name: 'auth', app: auth.app, metrics: authMetrics },
        { name: 'chat', app: chat.http, metrics: chatMetrics },
        { name: 'archive', app: archive.http, metrics: archiveMetrics },
      ],
    });
    await ops.ready();
    steps.push(() => ops.close());

    gateway.open({
      auth: auth.app.server,
      chat: chat.http.server,
      archive: archive.http.server,
      ops: ops.server,
      web: web.server,
    });
    logger.info({ url, port, dataDir: config.dataDir, webDist }, 'FalaBLAU standalone ready');

    let closing: Promise<void> | undefined;
    return {
      port,
      url,
      firstStart: postgres.created,
      hasAdmin: await hasAdmin(),
      parts: { auth, chat, archive, postgres },
      close() {
        closing ??= (async () => {
          await gateway.drain(config.shutdownGraceMs / 2);
          await unwind(steps, logger);
        })();
        return closing;
      },
    };
  } catch (error) {
    await unwind(steps, logger);
    throw error;
  }
}
