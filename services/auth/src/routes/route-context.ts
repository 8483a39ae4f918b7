// What the route modules need from the application, built once in app.ts.
import type { AccessTokenVerifier, HttpApp } from '@falablau/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthAppConfig } from '../config.js';
import type { SessionService } from '../sessions/session.service.js';
import type { SigningKeys } from '../tokens/signing-keys.js';
import type { AccountService } from '../users/account.service.js';
import type { UserRepository } from '../users/user.repository.js';

export interface RouteContext {
  app: HttpApp;
  config: AuthAppConfig;
  accounts: AccountService;
  sessions: SessionService;
  users: UserRepository;
  verifier: AccessTokenVerifier;
  signingKeys: SigningKeys;
  clock: () => Date;
  /** preHandler: a valid access token whose session is still live (sets request.user). */
  requireSession: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  /** Route config for the per-IP limit on credential endpoints. */
  ipRateLimit: { rateLimit: { max: number; timeWindow: number } };
}
