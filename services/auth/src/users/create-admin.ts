// Bootstrap of the first admin (used by the create-admin CLI): creates the account with the admin
// role, or promotes an existing one (its password is left alone).
import { randomUUID } from 'node:crypto';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import type { UserRepository } from './user.repository.js';
import { passwordSchema, usernameSchema } from './user.schemas.js';

export type CreateAdminResult = 'created' | 'promoted' | 'already-admin';

export async function createOrPromoteAdmin(
  deps: { users: UserRepository; hasher: PasswordHasher; clock: () => Date },
  username: string,
  readPassword: () => Promise<string>,
): Promise<CreateAdminResult> {
  usernameSchema.parse(username);
  const existing = await deps.users.findByUsername(username);
  if (existing) {
    if (existing.role === 'admin') return 'already-admin';
    await deps.users.setRole(existing.id, 'admin', deps.clock());
    return 'promoted';
  }
  const password = passwordSchema.parse(await readPassword());
  await deps.users.insert({
    id: randomUUID(),
    username,
    passwordHash: await deps.hasher.hash(password),
    role: 'admin',
    createdAt: deps.clock(),
  });
  return 'created';
}
