// Tests only: a real chat-service app on its own throw-away database, with a local signing key
// for access tokens. The event bus defaults to the in-process one (the Kafka bus passes the same
// contract suite); outbox tests that read the real broker pass a Kafka bus in.
import { randomUUID } from 'node:crypto';
import {
  createAccessTokenVerifier,
  createInProcessEventBus,
  createLogger,
  createMetrics,
  createTestSigningKey,
  signTestAccessToken,
  type EventBus,
  type Logger,
  type TestSigningKey,
} from '@falablau/common';
import type { RoomMember } from '@falablau/common/contracts';
import { createApp, type ChatApp, type RealtimeFactory } from '../app.js';
import type { ChatAppConfig } from '../config.js';
import { createTestChatDb, type TestChatDb } from '../db/test-database.js';
import { realtimeConfigSchema } from '../realtime/realtime.config.js';

export const testIssuer = 'falablau-auth-test';
export const testAudience = 'falablau-test';

export const defaultTestConfig: ChatAppConfig = {
  corsOrigins: [],
  instanceId: 'chat-test',
  trustProxy: false,
  membershipCacheTtlMs: 5_000,
  outbox: { batchSize: 100, intervalMs: 200, lingerMs: 10, maxBackoffMs: 2_000 },
  realtime: realtimeConfigSchema.parse({}),
};

export interface TestChatAppOptions {
  config?: Partial<ChatAppConfig>;
  eventBus?: EventBus;
  createRealtime?: RealtimeFactory;
  logger?: Logger;
  /** Share a database between several apps (replicas); by default each app gets its own. */
  database?: TestChatDb;
}

export interface TestChatApp extends ChatApp {
  database: TestChatDb;
  eventBus: EventBus;
  signingKey: TestSigningKey;
  /** An access token for `user` (a new random user by default), as auth-service would sign it. */
  tokenFor: (user?: Partial<RoomMember>, claims?: Record<string, unknown>) => Promise<string>;
  /** Closes the app and the bus; drops the database unless it was passed in. */
  dispose: () => Promise<void>;
}

export async function createTestChatApp(
  prefix: string,
  options: TestChatAppOptions = {},
): Promise<TestChatApp> {
  const database = options.database ?? (await createTestChatDb(prefix));
  const signingKey = await createTestSigningKey();
  const eventBus = options.eventBus ?? createInProcessEventBus();
  const app = await createApp({
    config: { ...defaultTestConfig, ...options.config },
    logger: options.logger ?? createLogger({ name: 'chat-test', level: 'silent' }),
    metrics: createMetrics({ service: 'chat', defaultMetrics: false }),
    db: database.db,
    eventBus,
    verifier: createAccessTokenVerifier({
      keySet: { keys: [signingKey.publicJwk] },
      issuer: testIssuer,
      audience: testAudience,
    }),
    createRealtime: options.createRealtime,
  });
  return Object.assign(app, {
    database,
    eventBus,
    signingKey,
    tokenFor: (user: Partial<RoomMember> = {}, claims: Record<string, unknown> = {}) =>
      signTestAccessToken(signingKey, {
        issuer: testIssuer,
        audience: testAudience,
        claims: {
          sub: user.userId ?? randomUUID(),
          username: user.username ?? 'tester',
          ...claims,
        },
      }),
    dispose: async () => {
      await app.close();
      await eventBus.close();
      if (!options.database) await database.drop();
    },
  });
}
