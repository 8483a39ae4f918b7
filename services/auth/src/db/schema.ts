// Row types of the `auth` schema as Kysely sees them (snake_case, as in SQL). Repositories map
// them to the camelCase domain objects; nothing outside a repository touches these.
import type { ColumnType, Selectable } from 'kysely';
import type { Role } from '@falablau/common';

export type RevocationReason = 'logout' | 'refresh_reuse' | 'admin';

export interface UsersTable {
  id: string;
  username: string;
  password_hash: string;
  role: Role;
  created_at: Date;
  updated_at: Date;
}

/** A session is one refresh-token family: one login on one device. */
export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: Date;
  /** Expiry of the family's newest refresh token. */
  expires_at: Date;
  last_refreshed_at: Date | null;
  revoked_at: Date | null;
  revoked_reason: RevocationReason | null;
  /** Set once `session.revoked` reached the event bus (a tiny outbox). */
  revocation_published_at: Date | null;
}

export interface RefreshTokensTable {
  /** SHA-256 (hex) of the opaque token; the token itself is never stored. */
  token_hash: string;
  session_id: string;
  issued_at: Date;
  expires_at: Date;
  /** When it was exchanged for its successor; presenting it again after that is reuse. */
  rotated_at: Date | null;
}

/** rate-limiter-flexible's RateLimiterPostgres store (failed logins per account). */
export interface LoginFailuresTable {
  key: string;
  points: number;
  // pg returns bigint as a string.
  expire: ColumnType<string | null, number | null, number | null>;
}

export interface AuthDb {
  users: UsersTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  login_failures: LoginFailuresTable;
}

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type RefreshTokenRow = Selectable<RefreshTokensTable>;
