// `--check`: the generator against the reference server only, no cluster — two reference
// processes on Redis, a throwaway signing key served as a JWKS on 127.0.0.1. A quick proof that
// framing, acks, ledger and statistics work end to end (nothing may be lost, nothing misrouted).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { parseEnvFile, repoRoot } from '../orchestrator/cluster.js';
import { startReferenceServers, type Log } from '../orchestrator/context.js';
import type { ProcessGroup } from '../system/proc.js';
import { runFanout, startFanoutFleet, type FanoutConfig, type FanoutFigures } from './fanout.js';

export async function generatorCheck(cfg: FanoutConfig, log: Log): Promise<FanoutFigures> {
  const redisUrl = parseEnvFile(readFileSync(join(repoRoot, '.env.local'), 'utf8')).get(
    'REDIS_URL',
  );
  if (!redisUrl) throw new Error('.env.local has no REDIS_URL (make infra-up)');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  const jwks = JSON.stringify({ keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig' }] });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const authUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const label = randomBytes(3).toString('hex');
  const reference = await startReferenceServers(2, {
    redisUrl,
    authUrl,
    key: `bench-check-${label}`,
  });
  try {
    const fleet = await startFanoutFleet('check', cfg, {
      targets: reference.urls,
      signing: {
        pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        kid,
        issuer: 'falablau-auth',
        audience: 'falablau',
        ttlSec: 3_600,
      },
      label,
      log,
    });
    try {
      const groups: ProcessGroup[] = [
        { name: 'reference', role: 'reference', pids: reference.pids, tree: false },
      ];
      return await runFanout(fleet, cfg, 'check (reference server)', groups, log);
    } finally {
      await fleet.stop();
    }
  } finally {
    await reference.stop();
    server.close();
  }
}
