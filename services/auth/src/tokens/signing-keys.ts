// ES256 signing keys: the current private key signs, the JWKS publishes its public half plus
// the public halves of retired keys, so tokens signed just before a rotation keep verifying
// until they expire. Keys come from PEM (env or a mounted file); in development, when none is
// configured, one is generated once and kept on disk so restarts keep tokens valid.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { ACCESS_TOKEN_ALG, type Logger } from '@falablau/common';
import { errorCode } from '../errno.js';

/** A public EC P-256 key as a JWK (RFC 7517), as served in the JWKS. */
export interface PublicJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  kid: string;
  alg: typeof ACCESS_TOKEN_ALG;
  use: 'sig';
}

export interface SigningKeys {
  /** Signs new access tokens. */
  current: { kid: string; privateKey: KeyObject };
  /** Public keys (current first) as served at /.well-known/jwks.json. */
  jwks: { keys: PublicJwk[] };
}

export interface SigningKeySources {
  privateKeyPem?: string | undefined;
  privateKeyFile?: string | undefined;
  keyId?: string | undefined;
  previousPublicKeysPem?: string | undefined;
  previousPublicKeysFile?: string | undefined;
  keysDir: string;
  allowGenerate: boolean;
}

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]+?-----END [A-Z0-9 ]+-----/g;
const DEV_KEY_FILE = 'jwt-es256.pem';

function assertP256(key: KeyObject, what: string): void {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
    throw new Error(
      `${what} must be an EC P-256 key for ES256 (got ${key.asymmetricKeyType ?? '?'} ${curve ?? ''})`,
    );
  }
}

async function publicJwk(key: KeyObject, kid?: string): Promise<PublicJwk> {
  const { x, y } = key.export({ format: 'jwk' });
  if (x === undefined || y === undefined) throw new Error('Not an EC public key');
  const base = { kty: 'EC', crv: 'P-256', x, y } as const;
  return {
    ...base,
    kid: kid ?? (await calculateJwkThumbprint(base, 'sha256')),
    alg: ACCESS_TOKEN_ALG,
    use: 'sig',
  };
}

/** Builds the key set from PEM text: a private key and any number of retired public keys. */
export async function signingKeysFromPem(
  privateKeyPem: string,
  previousPublicKeysPem: string[] = [],
  keyId?: string,
): Promise<SigningKeys> {
  const privateKey = createPrivateKey(privateKeyPem);
  assertP256(privateKey, 'The JWT signing key');
  const current = await publicJwk(createPublicKey(privateKey), keyId);
  const previous = await Promise.all(
    previousPublicKeysPem.map(async (pem) => {
      const key = createPublicKey(pem);
      assertP256(key, 'A previous JWT public key');
      return publicJwk(key);
    }),
  );
  const keys = [current, ...previous.filter((k) => k.kid !== current.kid)];
  return { current: { kid: current.kid, privateKey }, jwks: { keys } };
}

/** A fresh key pair, e.g. for tests. */
export function generateSigningKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** Reads the development key, creating it first if this is the very first start. */
async function developmentKeyPem(keysDir: string, logger: Logger): Promise<string> {
  const file = join(keysDir, DEV_KEY_FILE);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  await mkdir(keysDir, { recursive: true, mode: 0o700 });
  try {
    // 'wx': if another process created it meanwhile, keep theirs (tokens stay consistent).
    await writeFile(file, generateSigningKeyPem(), { mode: 0o600, flag: 'wx' });
    logger.warn({ file }, 'no JWT signing key configured: generated a development key');
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
  }
  return readFile(file, 'utf8');
}

export async function loadSigningKeys(
  sources: SigningKeySources,
  logger: Logger,
): Promise<SigningKeys> {
  let privatePem = sources.privateKeyPem;
  if (privatePem === undefined && sources.privateKeyFile !== undefined) {
    privatePem = await readFile(sources.privateKeyFile, 'utf8');
  }
  if (privatePem === undefined) {
    if (!sources.allowGenerate) {
      throw new Error('No JWT signing key: set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE');
    }
    privatePem = await developmentKeyPem(sources.keysDir, logger);
  }
  let previousText = sources.previousPublicKeysPem ?? '';
  if (sources.previousPublicKeysFile !== undefined) {
    previousText += `\n${await readFile(sources.previousPublicKeysFile, 'utf8')}`;
  }
  const previous = previousText.match(PEM_BLOCK) ?? [];
  const keys = await signingKeysFromPem(privatePem, previous, sources.keyId);
  logger.info(
    { kid: keys.current.kid, verificationKeys: keys.jwks.keys.length },
    'JWT signing keys loaded',
  );
  return keys;
}
