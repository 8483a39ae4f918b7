// auth-service as a function of its parts: no environment, no process-wide state. main.ts (and
// tests, and the standalone server) build the parts and call createApp; it returns the HTTP app
// ready to listen, plus start/stop for the background revocation sweep.
import formBody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { Kysely } from 'kysely';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import {
  createAccessTokenVerifier,
  createHttpApp,
  dbReadiness,
  errors,
  requireUser,
  type AccessTokenVerifier,
  type EventBus,
  type HttpApp,
  type Logger,
  type Metrics,
} from '@falablau/common';
import { createAuthMetrics } from './auth.metrics.js';
import {
  createServiceClientRegistry,
  type ServiceClientsConfig,
} from './clients/service-clients.js';
import type { AuthAppConfig } from './config.js';
import type { AuthDb } from './db/schema.js';
import type { PasswordHasher } from './passwords/password-hasher.js';
import { jwksRoute } from './routes/jwks.route.js';
import { loginRoute } from './routes/login.route.js';
import { logoutRoute } from './routes/logout.route.js';
import { meRoute } from './routes/me.route.js';
import { oauthMetadataRoute } from './routes/oauth-metadata.route.js';
import { oauthTokenRoute } from './routes/oauth-token.route.js';
import { refreshRoute } from './routes/refresh.route.js';
import { registerRoute } from './routes/register.route.js';
import type { RouteContext } from './routes/route-context.js';
import { verifyRoute } from './routes/verify.route.js';
import { createRevocationPublisher } from './sessions/revocation.publisher.js';
import { createSessionCleanup } from './sessions/session-cleanup.js';
import { createSessionService, type SessionService } from './sessions/session.service.js';
import { createLoginThrottle } from './throttle/login-throttle.js';
import { createAccessTokenSigner } from './tokens/access-token.signer.js';
import { createServiceTokenSigner } from './tokens/service-token.signer.js';
import type { SigningKeys } from './tokens/signing-keys.js';
import { createAccountService } from './users/account.service.js';
import { createUserRepository } from './users/user.repository.js';

export interface AuthAppDeps {
  config: AuthAppConfig;
  logger: Logger;
  metrics: Metrics;
  db: Kysely<AuthDb>;
  eventBus: EventBus;
  signingKeys: SigningKeys;
  /** Counts failed logins per account (Postgres-backed in the cluster, in-memory standalone). */
  loginLimiter: RateLimiterAbstract;
  passwordHasher: PasswordHasher;
  /** OAuth2 clients allowed the client-credentials grant (none: the grant always fails). */
  serviceClients?: ServiceClientsConfig;
  clock?: () => Date;
  /** How often unpublished revocations are retried. */
  revocationSweepMs?: number;
}

export interface AuthApp {
  app: HttpApp;
  sessions: SessionService;
  verifier: AccessTokenVerifier;
  /** Starts background work (revocation retry sweep, expired-session cleanup). */
  start: () => void;
  /** Stops background work; closes the HTTP app. The caller closes db and event bus. */
  close: () => Promise<void>;
}

export async function createApp(deps: AuthAppDeps): Promise<AuthApp> {
  const { config, logger, db, eventBus, signingKeys } = deps;
  const clock = deps.clock ?? (() => new Date());
  const authMetrics = createAuthMetrics(deps.metrics.registry);

  const app = await createHttpApp({
    name: 'auth-service',
    logger,
    metrics: deps.metrics,
    trustProxy: config.trustProxy,
    readiness: [dbReadiness(db), { name: 'kafka', check: () => eventBus.ready() }],
    openapi: {
      title: 'FalaBLAU auth-service',
      version: '1.0.0',
      description:
        'Users, passwords (argon2id), ES256 access tokens (verify with /.well-known/jwks.json), rotating refresh tokens, sessions.',
    },
  });

  // Per-IP limit on the credential endpoints, checked before the body is even parsed. In-memory
  // per replica (the per-account limit is the shared one); the ingress may add its own.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      errors.tooManyRequests('Too many requests from this address; slow down', context.ttl / 1000),
  });

  // RFC 6749 token requests are application/x-www-form-urlencoded.
  await app.register(formBody, { bodyLimit: 4096 });

  const users = createUserRepository(db);
  const verifier = createAccessTokenVerifier({
    keySet: signingKeys.jwks,
    issuer: config.jwt.issuer,
    audience: config.jwt.audience,
  });
  const revocations = createRevocationPublisher({
    db,
    eventBus,
    logger,
    clock,
    ...(deps.revocationSweepMs === undefined ? {} : { sweepIntervalMs: deps.revocationSweepMs }),
  });
  const cleanup = createSessionCleanup({ db, logger, clock });
  const sessions = createSessionService({
    db,
    signer: createAccessTokenSigner({
      keys: signingKeys,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ttlMs: config.accessTokenTtlMs,
      clock,
    }),
    revocations,
    clock,
    refreshTokenTtlMs: config.refreshTokenTtlMs,
    refreshReuseGraceMs: config.refreshReuseGraceMs,
    onRefresh: authMetrics.refresh,
  });
  const accounts = createAccountService({
    users,
    hasher: deps.passwordHasher,
    throttle: createLoginThrottle(deps.loginLimiter),
    clock,
    adminUsernames: config.adminUsernames,
    onLogin: authMetrics.login,
  });

  const authenticate = requireUser(verifier);
  const context: RouteContext = {
    app,
    config,
    accounts,
    sessions,
    users,
    verifier,
    signingKeys,
    clock,
    requireSession: async (request, reply) => {
      await authenticate(request, reply);
      if (request.user) await sessions.assertActive(request.user.sessionId);
    },
    ipRateLimit: {
      rateLimit: { max: config.ipRateLimit.max, timeWindow: config.ipRateLimit.windowMs },
    },
  };
  for (const route of [
    registerRoute,
    loginRoute,
    logoutRoute,
    refreshRoute,
    verifyRoute,
    meRoute,
    jwksRoute,
    oauthMetadataRoute,
  ]) {
    route(context);
  }
  oauthTokenRoute(
    context,
    createServiceClientRegistry(deps.serviceClients ?? {}),
    createServiceTokenSigner({
      keys: signingKeys,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      ttlMs: config.serviceTokenTtlMs,
      clock,
    }),
  );

  return {
    app,
    sessions,
    verifier,
    start: () => {
      revocations.start();
      cleanup.start();
    },
    close: async () => {
      await app.close();
      await revocations.stop();
      await cleanup.stop();
    },
  };
}
