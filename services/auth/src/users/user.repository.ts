// Users in Postgres. Lookups by name are case-insensitive and use the lower(username) index.
import { sql, type Kysely } from 'kysely';
import { errors, type Role } from '@falablau/common';
import type { AuthDb, UserRow } from '../db/schema.js';
import { errorCode } from '../errno.js';
import type { UserProfile } from './user.schemas.js';

export interface User {
  id: string;
  username: string;
  role: Role;
  createdAt: Date;
}

export interface UserWithPassword extends User {
  passwordHash: string;
}

export interface NewUser {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  createdAt: Date;
}

const UNIQUE_VIOLATION = '23505';

function toUser(row: UserRow): UserWithPassword {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    createdAt: row.created_at,
    passwordHash: row.password_hash,
  };
}

export function toProfile(user: User): UserProfile {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
  };
}

export interface UserRepository {
  /** Inserts the user; 409 when the name is taken (in any letter case). */
  insert: (user: NewUser) => Promise<User>;
  findByUsername: (username: string) => Promise<UserWithPassword | undefined>;
  findById: (id: string) => Promise<User | undefined>;
  updatePasswordHash: (id: string, passwordHash: string, at: Date) => Promise<void>;
  setRole: (id: string, role: Role, at: Date) => Promise<void>;
}

export function createUserRepository(db: Kysely<AuthDb>): UserRepository {
  const byName = (username: string) =>
    db
      .selectFrom('users')
      .selectAll()
      .where(sql<string>`lower(username)`, '=', username.toLowerCase());

  return {
    insert: async (user) => {
      try {
        await db
          .insertInto('users')
          .values({
            id: user.id,
            username: user.username,
            password_hash: user.passwordHash,
            role: user.role,
            created_at: user.createdAt,
            updated_at: user.createdAt,
          })
          .execute();
      } catch (error) {
        if (errorCode(error) === UNIQUE_VIOLATION) {
          throw errors.conflict('Username is already taken');
        }
        throw error;
      }
      return { id: user.id, username: user.username, role: user.role, createdAt: user.createdAt };
    },
    findByUsername: async (username) => {
      const row = await byName(username).executeTakeFirst();
      return row && toUser(row);
    },
    findById: async (id) => {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return (
        row && { id: row.id, username: row.username, role: row.role, createdAt: row.created_at }
      );
    },
    updatePasswordHash: async (id, passwordHash, at) => {
      await db
        .updateTable('users')
        .set({ password_hash: passwordHash, updated_at: at })
        .where('id', '=', id)
        .execute();
    },
    setRole: async (id, role, at) => {
      await db.updateTable('users').set({ role, updated_at: at }).where('id', '=', id).execute();
    },
  };
}
