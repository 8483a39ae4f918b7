// Registration and credential checks. Both do the expensive argon2 work only after cheap
// validation (zod, in the route) has passed, and a login costs the same whether or not the
// username exists.
import { randomUUID } from 'node:crypto';
import { errors, type Role } from '@falablau/common';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import type { LoginThrottle } from '../throttle/login-throttle.js';
import type { User, UserRepository } from './user.repository.js';

export type LoginOutcome = 'success' | 'failure' | 'throttled';

export interface AccountService {
  /** Creates a user; 409 when the name is taken in any letter case. */
  register: (username: string, password: string) => Promise<User>;
  /** The user whose credentials these are; 401 otherwise, 429 when the account is throttled. */
  authenticate: (username: string, password: string) => Promise<User>;
}

export interface AccountServiceOptions {
  users: UserRepository;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  clock: () => Date;
  /** Lower-case usernames that become admins when they register (bootstrap of the first admin). */
  adminUsernames: readonly string[];
  onLogin?: (outcome: LoginOutcome) => void;
}

export function createAccountService(options: AccountServiceOptions): AccountService {
  const { users, hasher, throttle, clock } = options;
  const admins = new Set(options.adminUsernames.map((name) => name.toLowerCase()));
  const wrongCredentials = () => errors.unauthorized('Invalid username or password');

  return {
    register: async (username, password) => {
      // Cheap check first so a taken name answers 409 without hashing; the unique index still
      // decides when two registrations race.
      if (await users.findByUsername(username)) throw errors.conflict('Username is already taken');
      const role: Role = admins.has(username.toLowerCase()) ? 'admin' : 'user';
      return users.insert({
        id: randomUUID(),
        username,
        passwordHash: await hasher.hash(password),
        role,
        createdAt: clock(),
      });
    },

    authenticate: async (username, password) => {
      try {
        await throttle.begin(username);
      } catch (error) {
        options.onLogin?.('throttled');
        throw error;
      }
      const user = await users.findByUsername(username);
      // Unknown user: verify against a dummy hash anyway, so timing does not reveal existence.
      const valid = await hasher.verify(user?.passwordHash ?? null, password);
      if (!user || !valid) {
        options.onLogin?.('failure');
        throw wrongCredentials();
      }
      await throttle.succeeded(username);
      if (hasher.needsRehash(user.passwordHash)) {
        // Parameters were raised since this hash was made: upgrade it while we know the password.
        await users.updatePasswordHash(user.id, await hasher.hash(password), clock());
      }
      options.onLogin?.('success');
      return { id: user.id, username: user.username, role: user.role, createdAt: user.createdAt };
    },
  };
}
