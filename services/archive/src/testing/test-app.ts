// Tests only: a real archive-service app, by default on its own throw-away database of the
// MongoDB-wire server, with a local signing key standing in for auth-service. Ingest is off unless
// a test passes an event bus and turns it on.
import { randomUUID } from 'node:crypto';
import {
  createCallerVerifier,
  createLogger,
  createMetrics,
  createTestSigningKey,
  serviceTokenClaims,
  signTestAccessToken,
  type EventBus,
  type Logger,
  type Metrics,
  type Role,
  type TestSigningKey,
} from '@falablau/common';
import { createApp, type ArchiveApp } from '../app.js';
import type { ArchiveAppConfig } from '../config.js';
import type { ArchiveStore } from '../store/archive-store.js';
import { createMongoArchiveStore } from '../store/mongo/mongo-archive-store.js';
import { createTestMongo, type TestMongo } from './test-mongo.js';

export const testIssuer = 'falablau-auth-test';
export const testAudience = 'falablau-test';

export const defaultTestConfig: ArchiveAppConfig = {
  retention: { ttlDays: 365, sweepIntervalMs: 3_600_000 },
  trustProxy: false,
  ingest: {
    enabled: false,
    topic: 'chat.messages.v1',
    groupId: 'archive-test',
    fromBeginning: false,
  },
};

export interface TestArchiveAppOptions {
  config?: Partial<ArchiveAppConfig>;
  /** A store to use instead of a fresh MongoDB database (e.g. a spy around one). */
  wrapStore?: (store: ArchiveStore) => ArchiveStore;
  eventBus?: EventBus;
  /** The registry to use, e.g. one the event bus reports its consumer lag to. */
  metrics?: Metrics;
  logger?: Logger;
  now?: () => Date;
}

export interface TokenUser {
  userId: string;
  role: Role;
}

export interface TestArchiveApp extends ArchiveApp {
  mongo: TestMongo;
  store: ArchiveStore;
  signingKey: TestSigningKey;
  /** A user's access token, as auth-service signs it (a random plain user by default). */
  userToken(user?: Partial<TokenUser>): Promise<string>;
  /** A client-credentials token, as auth-service's POST /oauth/token will issue it. */
  serviceToken(clientId: string, scopes: string[]): Promise<string>;
  /** Closes the app and drops its database. */
  dispose(): Promise<void>;
}

export async function createTestArchiveApp(
  prefix: string,
  options: TestArchiveAppOptions = {},
): Promise<TestArchiveApp> {
  const logger = options.logger ?? createLogger({ name: 'archive-test', level: 'silent' });
  const mongo = await createTestMongo(prefix);
  const mongoStore = createMongoArchiveStore({ db: mongo.db, ttlDays: 365, logger });
  const store = options.wrapStore ? options.wrapStore(mongoStore) : mongoStore;
  const signingKey = await createTestSigningKey();
  const app = await createApp({
    config: { ...defaultTestConfig, ...options.config },
    logger,
    metrics: options.metrics ?? createMetrics({ service: 'archive', defaultMetrics: false }),
    store,
    eventBus: options.eventBus,
    verifier: createCallerVerifier({
      keySet: { keys: [signingKey.publicJwk] },
      issuer: testIssuer,
      audience: testAudience,
    }),
    now: options.now,
  });
  const sign = (claims: Record<string, unknown>) =>
    signTestAccessToken(signingKey, { issuer: testIssuer, audience: testAudience, claims });

  return Object.assign(app, {
    mongo,
    store,
    signingKey,
    userToken: ({ userId = randomUUID(), role = 'user' }: Partial<TokenUser> = {}) =>
      sign({ sub: userId, role, username: `${role}-${userId.slice(0, 8)}` }),
    serviceToken: (clientId: string, scopes: string[]) =>
      sign({
        ...serviceTokenClaims(clientId, scopes),
        sid: undefined,
        username: undefined,
        role: undefined,
      }),
    dispose: async () => {
      await app.close();
      await mongo.drop();
    },
  });
}
