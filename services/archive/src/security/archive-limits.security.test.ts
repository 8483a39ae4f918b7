// archive-service as the built process (`node dist/main.js`, the real MongoDB-wire server), at its
// limits. The batch endpoint accepts bodies up to ~24 MiB (1000 messages of 4000 characters), so
// what matters is who can make it read one: the token is checked when the request arrives,
// before a byte of the body is read. Anonymous or badly-authenticated uploads of any size are a
// fast 401, and a burst of them leaves the process's memory flat; a service's over-limit body is
// a fast 413; oversized batches, texts and URLs are 4xx. Figures: .infra/security/limits-archive.json.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createTestSigningKey,
  serviceTokenClaims,
  signTestAccessToken,
  type TestSigningKey,
} from '@falablau/common';
import { MiB, requireServer, residentBytes } from '@falablau/common/testing';
import { MongoClient } from 'mongodb';
import { makeMessage } from '../testing/messages.js';
import { startArchiveProcess, type ArchiveProcess } from '../testing/archive-process.js';

const figuresFile = fileURLToPath(
  new URL('../../../../.infra/security/limits-archive.json', import.meta.url),
);
const issuer = 'falablau-auth';
const audience = 'falablau';
let key: TestSigningKey;
let jwks: Server;
let archive: ArchiveProcess;
let mongo: MongoClient;
let databaseName: string;
let writerToken: string;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  key = await createTestSigningKey();
  const body = JSON.stringify({ keys: [key.publicJwk] });
  jwks = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const mongoUrl = new URL(requireServer('MONGO_URI'));
  databaseName = `archive_test_security_${randomBytes(4).toString('hex')}`;
  mongoUrl.pathname = `/${databaseName}`;
  mongo = new MongoClient(mongoUrl.toString(), { serverSelectionTimeoutMS: 5_000 });
  archive = await startArchiveProcess({
    env: {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      MONGO_URI: mongoUrl.toString(),
      INGEST_ENABLED: 'false',
      AUTH_SERVICE_URL: `http://127.0.0.1:${String((jwks.address() as AddressInfo).port)}`,
    },
  });
  writerToken = await signTestAccessToken(key, {
    issuer,
    audience,
    claims: {
      ...serviceTokenClaims('mover', ['archive:write']),
      sid: undefined,
      username: undefined,
      role: undefined,
    },
  });
}, 90_000);

afterAll(async () => {
  await archive.stop();
  await mongo
    .db(databaseName)
    .dropDatabase()
    .catch(() => undefined);
  await mongo.close();
  jwks.closeAllConnections();
  await new Promise((resolve) => jwks.close(resolve));
  mkdirSync(dirname(figuresFile), { recursive: true });
  writeFileSync(figuresFile, `${JSON.stringify(figures, null, 2)}\n`);
});

interface Answer {
  status: number;
  ms: number;
}

/** A raw POST that announces `bytes` and streams them; the answer may come before the upload ends. */
function upload(
  path: string,
  bytes: number,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(
      `${archive.url}${path}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(bytes),
          ...headers,
        },
        timeout: 10_000,
      },
      (res) => {
        const ms = performance.now() - started;
        res.resume();
        res.on('end', () => {
          // The answer is in: stop uploading the rest (the server has stopped reading it).
          req.destroy();
          resolve({ status: res.statusCode ?? 0, ms });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    const chunk = Buffer.alloc(MiB, 'x');
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes) {
        const part = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
        sent += part.length;
        if (!req.write(part)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

const documents = () => mongo.db(databaseName).collection('messages').countDocuments();

describe('archive-service at its limits', () => {
  test('when anonymous or forged uploads of 32 MiB arrive, then 401 before the body is read', async () => {
    const variants: Record<string, string>[] = [{}, { authorization: 'Bearer forged.token.here' }];
    for (const headers of variants) {
      const answer = await upload('/archive/messages', 32 * MiB, headers);
      expect(answer.status).toBe(401);
      expect(answer.ms).toBeLessThan(1_000);
    }
  });

  test('when a service’s upload is over the batch limit, then 413 at once', async () => {
    const answer = await upload('/archive/messages', 32 * MiB, {
      authorization: `Bearer ${writerToken}`,
    });
    expect(answer.status).toBe(413);
    expect(answer.ms).toBeLessThan(1_000);
  });

  test.each([
    ['1001 messages', () => ({ messages: Array.from({ length: 1_001 }, () => makeMessage()) })],
    ['a 4001-character text', () => ({ messages: [makeMessage({ text: 't'.repeat(4_001) })] })],
    ['an empty batch', () => ({ messages: [] })],
  ])('when a batch has %s, then 400 and nothing is stored', async (_label, body) => {
    const before = await documents();
    const res = await fetch(`${archive.url}/archive/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writerToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body()),
    });
    expect(res.status).toBe(400);
    expect(await documents()).toBe(before);
  });

  test('when a URL is over 16 KiB, then Node refuses it (431) before the service sees it', async () => {
    const res = await fetch(
      `${archive.url}/archive/rooms/${crypto.randomUUID()}?cursor=${'c'.repeat(20_000)}`,
      {
        headers: { authorization: `Bearer ${writerToken}` },
      },
    );
    expect(res.status).toBe(431);
  });

  test('when 200 anonymous 32 MiB uploads arrive 20 at a time, then all are refused fast and memory stays flat', async () => {
    const burst = async (count: number): Promise<number[]> => {
      const times: number[] = [];
      for (let sent = 0; sent < count; sent += 20) {
        const answers = await Promise.all(
          Array.from({ length: 20 }, () => upload('/archive/messages', 32 * MiB)),
        );
        for (const answer of answers) {
          expect(answer.status).toBe(401);
          times.push(answer.ms);
        }
      }
      return times;
    };
    await burst(40);
    const before = residentBytes(archive.pid);
    const first = await burst(100);
    const afterFirst = residentBytes(archive.pid);
    const second = await burst(100);
    const afterSecond = residentBytes(archive.pid);
    const times = [...first, ...second].sort((a, b) => a - b);
    figures.anonymousUploads = {
      requests: times.length,
      announcedBytes: 32 * MiB,
      concurrency: 20,
      responseMsP50: Math.round((times[Math.floor(times.length / 2)] ?? 0) * 10) / 10,
      responseMsMax: Math.round((times.at(-1) ?? 0) * 10) / 10,
      rssBeforeMiB: Math.round(before / MiB),
      rssAfterFirstMiB: Math.round(afterFirst / MiB),
      rssAfterSecondMiB: Math.round(afterSecond / MiB),
    };
    expect(afterSecond - before).toBeLessThan(64 * MiB);
    // 3.2 GB announced per burst: tens of MiB of drift are GC timing, a leak would be hundreds.
    expect(afterSecond - afterFirst).toBeLessThan(48 * MiB);
    expect(times.at(-1)).toBeLessThan(2_000);
    const ready = await fetch(`${archive.url}/ready`);
    expect(ready.status).toBe(200);
  }, 90_000);
});
