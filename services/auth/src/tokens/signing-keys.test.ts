import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createLogger } from '@falablau/common';
import { createAccessTokenSigner } from './access-token.signer.js';
import { generateSigningKeyPem, loadSigningKeys, signingKeysFromPem } from './signing-keys.js';

const logger = createLogger({ name: 'test', level: 'silent' });
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auth-keys-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sources = (extra: Partial<Parameters<typeof loadSigningKeys>[0]> = {}) => ({
  keysDir: join(dir, 'keys'),
  allowGenerate: true,
  ...extra,
});

describe('signing keys', () => {
  test('when a PKCS#8 PEM is given, then kid is its RFC 7638 thumbprint and tokens verify with the JWKS', async () => {
    const keys = await signingKeysFromPem(generateSigningKeyPem());
    expect(keys.current.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const signer = createAccessTokenSigner({
      keys,
      issuer: 'i',
      audience: 'a',
      ttlMs: 60_000,
      clock: () => new Date(),
    });
    const { token } = await signer.sign({
      userId: 'u',
      username: 'n',
      role: 'user',
      sessionId: 's',
    });
    const { protectedHeader } = await jwtVerify(token, createLocalJWKSet(keys.jwks), {
      algorithms: ['ES256'],
    });
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: keys.current.kid });
  });

  test('when a SEC1 ("EC PRIVATE KEY") PEM and an explicit kid are given, then both are honoured', async () => {
    const sec1 = createPrivateKey(generateSigningKeyPem())
      .export({ format: 'pem', type: 'sec1' })
      .toString();
    const keys = await signingKeysFromPem(sec1, [], 'key-2030-01');
    expect(keys.current.kid).toBe('key-2030-01');
  });

  test('when the key is not P-256, then loading fails', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    await expect(signingKeysFromPem(rsa)).rejects.toThrow(/EC P-256/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    await expect(signingKeysFromPem(p384)).rejects.toThrow(/EC P-256/);
  });

  test('when no key is configured in development, then one is generated once, kept 0600, and reused', async () => {
    const first = await loadSigningKeys(sources(), logger);
    const file = join(dir, 'keys', 'jwt-es256.pem');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const second = await loadSigningKeys(sources(), logger);
    expect(second.current.kid).toBe(first.current.kid);
  });

  test('when no key is configured in production, then it refuses to generate one', async () => {
    await expect(loadSigningKeys(sources({ allowGenerate: false }), logger)).rejects.toThrow(
      /JWT_PRIVATE_KEY/,
    );
  });

  test('when the key comes from a file with previous public keys in another, then the JWKS has both', async () => {
    const current = generateSigningKeyPem();
    const old = await signingKeysFromPem(generateSigningKeyPem());
    const oldPublic = createPrivateKey(generateSigningKeyPem());
    const keyFile = join(dir, 'current.pem');
    const previousFile = join(dir, 'previous.pem');
    await writeFile(keyFile, current);
    const { createPublicKey } = await import('node:crypto');
    await writeFile(
      previousFile,
      [old.current.privateKey, oldPublic]
        .map((k) => createPublicKey(k).export({ type: 'spki', format: 'pem' }).toString())
        .join('\n'),
    );
    const keys = await loadSigningKeys(
      sources({ privateKeyFile: keyFile, previousPublicKeysFile: previousFile }),
      logger,
    );
    expect(keys.jwks.keys).toHaveLength(3);
    expect(keys.jwks.keys[0]?.kid).toBe(keys.current.kid);
    expect(keys.jwks.keys[1]?.kid).toBe(old.current.kid);
    expect(await readFile(keyFile, 'utf8')).toBe(current);
  });
});
