export {
  ACCESS_TOKEN_ALG,
  ACCESS_TOKEN_TYP,
  accessTokenPayloadSchema,
  roles,
  roleSchema,
  type AccessTokenPayload,
  type AccessUser,
  type Role,
} from './access-token-claims.js';
export {
  createAccessTokenVerifier,
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
} from './access-token-verifier.js';
export { authenticatedUser, bearerToken, requireRole, requireUser } from './require-user.js';
export {
  createTestSigningKey,
  signTestAccessToken,
  type TestSigningKey,
  type TestTokenOptions,
} from './test-keys.js';
export {
  authSessionsTopic,
  revocationReasons,
  sessionRevokedSchema,
  type SessionRevoked,
} from './auth-sessions.topic.js';
