// Password hashing with argon2id at the OWASP Password Storage Cheat Sheet parameters
// (m = 19 MiB, t = 2, p = 1). node-argon2 runs each hash on libuv's thread pool, so the event
// loop keeps serving other requests meanwhile; the pool size (UV_THREADPOOL_SIZE) bounds how many
// hashes run at once, and a queue limit sheds load instead of letting latency grow unbounded.
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { errors } from '@falablau/common';

export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456, // KiB = 19 MiB
  timeCost: 2,
  parallelism: 1,
} as const;

export interface PasswordHasher {
  hash: (password: string) => Promise<string>;
  /** True when `password` matches. For an unknown user pass `null`: same work, always false. */
  verify: (hash: string | null, password: string) => Promise<boolean>;
  /** True when a stored hash uses older parameters and should be replaced after a login. */
  needsRehash: (hash: string) => boolean;
}

export interface PasswordHasherOptions {
  /** Hashes allowed in flight (running or queued) before new requests get 503. */
  queueLimit: number;
}

export async function createPasswordHasher({
  queueLimit,
}: PasswordHasherOptions): Promise<PasswordHasher> {
  // Unknown usernames are checked against this hash so a miss costs the same as a wrong
  // password: response time does not reveal which usernames exist.
  const dummyHash = await argon2.hash(randomBytes(32).toString('base64url'), ARGON2_OPTIONS);
  let inFlight = 0;

  async function limited<T>(work: () => Promise<T>): Promise<T> {
    if (inFlight >= queueLimit) {
      throw errors.unavailable('Too many password checks in progress; retry shortly');
    }
    inFlight += 1;
    try {
      return await work();
    } finally {
      inFlight -= 1;
    }
  }

  return {
    hash: (password) => limited(() => argon2.hash(password, ARGON2_OPTIONS)),
    verify: (hash, password) =>
      limited(async () => {
        const matches = await argon2.verify(hash ?? dummyHash, password);
        return hash !== null && matches;
      }),
    needsRehash: (hash) => argon2.needsRehash(hash, ARGON2_OPTIONS),
  };
}
