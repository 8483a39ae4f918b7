import { createPasswordHasher, type PasswordHasher } from './password-hasher.js';

let hasher: PasswordHasher;

beforeAll(async () => {
  hasher = await createPasswordHasher({ queueLimit: 8 });
});

describe('password hasher', () => {
  test('when hashing, then argon2id with the OWASP parameters is used', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    const [, type, version, params] = hash.split('$');
    expect([type, version]).toEqual(['argon2id', 'v=19']);
    expect(params?.split(',').sort()).toEqual(['m=19456', 'p=1', 't=2']);
    expect(hasher.needsRehash(hash)).toBe(false);
  });

  test('when the password matches, then verify is true; otherwise false', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    await expect(hasher.verify(hash, 'correct horse battery staple')).resolves.toBe(true);
    await expect(hasher.verify(hash, 'Correct horse battery staple')).resolves.toBe(false);
  });

  test('when the user is unknown, then verify does the same work and is false', async () => {
    await expect(hasher.verify(null, 'anything at all')).resolves.toBe(false);
  });

  test('when a hash uses weaker parameters, then it needs a rehash', () => {
    const weak =
      '$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHRzb21lc2FsdA$9dY2I0N2YzMzU0YjQ0ZGQ0NzQ0ZTg';
    expect(hasher.needsRehash(weak)).toBe(true);
  });

  test('when more hashes are queued than the limit, then the excess is shed with 503', async () => {
    const small = await createPasswordHasher({ queueLimit: 2 });
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => small.hash('password123')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(results.filter((r) => r.status === 'rejected').map((r): unknown => r.reason)).toEqual([
      expect.objectContaining({ statusCode: 503 }),
      expect.objectContaining({ statusCode: 503 }),
    ]);
  });

  test('when hashing, then the event loop stays responsive (work runs off the main thread)', async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 1);
    await Promise.all([hasher.hash('a-password'), hasher.hash('b-password')]);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(5);
  });
});
