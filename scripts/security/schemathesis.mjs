#!/usr/bin/env node
// schemathesis against every service's /openapi.json, with valid tokens (run by
// scripts/security/schemathesis.sh, which installs schemathesis and checks the build first).
//
// Starts auth, archive and chat as real processes (their built dist/main.js) on free loopback
// ports against the servers of `make infra-up` (.env.local), each on its own throw-away database
// (Postgres for auth and chat, MongoDB for archive: dropped afterwards, on failure too), obtains
// a user token, an admin token and a client-credentials service token, and runs schemathesis on
// each service with checks for server errors and for conformance to the documented responses
// (status codes, content types, schemas). Each run writes JUnit and NDJSON reports and its
// console output under .infra/security/schemathesis/<run>/; a summary goes to summary.txt.
// Exits non-zero when any run has a finding.
//
// Usage: node scripts/security/schemathesis.mjs --schemathesis <bin> [--examples N] [--seed N]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { createThrowawayDatabase } from '@falablau/common';
import { builtEntryPoint, requireServer, startServiceProcess } from '@falablau/common/testing';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const outDir = join(repoRoot, '.infra/security/schemathesis');
const log = (message) => console.log(`[security-api] ${message}`);

const { values: args } = parseArgs({
  options: {
    schemathesis: { type: 'string' },
    examples: { type: 'string', default: '100' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
  },
});
if (!args.schemathesis)
  throw new Error('--schemathesis <path to the schemathesis binary> is required');
const examples = Number(args.examples);
if (!Number.isInteger(examples) || examples < 1 || examples > 1000) {
  throw new Error(`--examples must be an integer from 1 to 1000, not ${args.examples}`);
}

// The checks: no 5xx, and every response as documented (status code, content type, body schema,
// headers). The generators also send invalid data (negative mode); that a service refuses it is
// checked in the Jest security suites, with the exact 400s expected there.
const checks = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
].join(',');

const cleanups = [];
const tag = randomBytes(4).toString('hex');

async function cleanup() {
  for (const step of cleanups.reverse()) {
    await step().catch((error) => {
      console.error(`[security-api] cleanup: ${error instanceof Error ? error.message : error}`);
    });
  }
}

async function json(url, init, expected) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (res.status !== expected)
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** Runs schemathesis once; resolves with its exit code and the counts it printed. */
async function runSchemathesis(run) {
  const dir = join(outDir, run.name);
  await mkdir(dir, { recursive: true });
  const argv = [
    '--config-file',
    join(repoRoot, 'scripts/security/schemathesis.toml'),
    'run',
    `${run.service.url}/openapi.json`,
    '--url',
    run.service.url,
    '--header',
    `Authorization: Bearer ${run.token}`,
    '--checks',
    checks,
    '--max-examples',
    String(examples),
    '--phases',
    'examples,coverage,fuzzing,stateful',
    '--seed',
    args.seed,
    '--workers',
    '2',
    '--request-timeout',
    '10',
    '--max-failures',
    '50',
    '--generation-database',
    'none',
    // NUL in strings (Postgres text cannot store it): the services must answer 400, not 500.
    '--generation-allow-x00',
    'true',
    '--report',
    'junit,ndjson',
    '--report-dir',
    dir,
    '--no-color',
    '--output-truncate',
    'false',
    ...run.filters,
  ];
  const logFile = join(dir, 'schemathesis.log');
  const sink = createWriteStream(logFile);
  const started = Date.now();
  const code = await new Promise((done, fail) => {
    const child = spawn(args.schemathesis, argv, {
      // Its working files (.schemathesis/) land beside the report, not in the repository.
      cwd: dir,
      env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(sink, { end: false });
    child.stderr.pipe(sink, { end: false });
    child.once('error', fail);
    child.once('exit', (exitCode) => done(exitCode ?? 1));
  });
  await new Promise((done) => sink.end(done));
  const output = await readFile(logFile, 'utf8');
  const seconds = (Date.now() - started) / 1000;
  const operations = /API Operations:\s+Selected: \d+\/\d+\s+Tested: (\d+)/.exec(output);
  const cases = /Test cases:\s+(\d+) generated(?:, (\d+) found (\d+) unique failures?)?/.exec(
    output,
  );
  return {
    name: run.name,
    code,
    seconds,
    operations: operations ? Number(operations[1]) : undefined,
    cases: cases ? Number(cases[1]) : undefined,
    failures: cases?.[3] ? Number(cases[3]) : 0,
    logFile,
    output,
  };
}

try {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const pgUrl = requireServer('DATABASE_URL');
  const kafka = requireServer('KAFKA_BOOTSTRAP_SERVERS');
  const redis = requireServer('REDIS_URL');
  const mongoBase = requireServer('MONGO_URI');

  const authDb = await createThrowawayDatabase(pgUrl, 'st_auth');
  cleanups.push(() => authDb.drop());
  const chatDb = await createThrowawayDatabase(pgUrl, 'st_chat');
  cleanups.push(() => chatDb.drop());
  const mongoName = `st_archive_${tag}`;
  const mongoUrl = new URL(mongoBase);
  mongoUrl.pathname = `/${mongoName}`;
  cleanups.push(async () => {
    const client = new MongoClient(mongoUrl.toString(), { serverSelectionTimeoutMS: 10_000 });
    try {
      await client.connect();
      await client.db(mongoName).dropDatabase();
    } finally {
      await client.close();
    }
  });
  const keysDir = await mkdtemp(join(tmpdir(), 'falablau-st-keys-'));
  cleanups.push(() => rm(keysDir, { recursive: true, force: true }));

  const chatSecret = randomBytes(24).toString('hex');
  const probeSecret = randomBytes(24).toString('hex');
  const common = { NODE_ENV: 'test', LOG_LEVEL: 'warn', PATH: process.env.PATH ?? '' };
  const service = (name) => builtEntryPoint(join(repoRoot, 'services', name), `@falablau/${name}`);

  log('starting auth, archive and chat (built dist/main.js, throw-away databases)');
  const auth = await startServiceProcess({
    name: 'auth',
    entryPoint: service('auth'),
    env: {
      ...common,
      DATABASE_URL: authDb.url,
      KAFKA_BOOTSTRAP_SERVERS: kafka,
      KEYS_DIR: keysDir,
      ADMIN_USERNAMES: `st_admin_${tag}`,
      OAUTH_CLIENTS: JSON.stringify({
        'chat-service': { secret: chatSecret, scopes: ['archive:read', 'archive:write'] },
        'st-probe': { secret: probeSecret, scopes: ['archive:read', 'archive:write'] },
      }),
      // The fuzzer is one client sending thousands of requests: per-IP and per-account limits
      // would answer most of them 429 (documented) instead of exercising the handlers.
      IP_RATE_LIMIT_MAX: '1000000',
      LOGIN_MAX_FAILURES: '1000000',
    },
  });
  cleanups.push(() => auth.stop());
  const archive = await startServiceProcess({
    name: 'archive',
    entryPoint: service('archive'),
    env: {
      ...common,
      MONGO_URI: mongoUrl.toString(),
      AUTH_SERVICE_URL: auth.url,
      // Ingest consumes the shared chat.messages.v1 topic: off, this archive is for the fuzzer.
      INGEST_ENABLED: 'false',
    },
  });
  cleanups.push(() => archive.stop());
  const chat = await startServiceProcess({
    name: 'chat',
    entryPoint: service('chat'),
    env: {
      ...common,
      DATABASE_URL: chatDb.url,
      REDIS_URL: redis,
      KAFKA_BOOTSTRAP_SERVERS: kafka,
      AUTH_SERVICE_URL: auth.url,
      ARCHIVE_SERVICE_URL: archive.url,
      SERVICE_CLIENT_SECRET: chatSecret,
      INSTANCE_ID: `st-chat-${tag}`,
      SOCKET_REDIS_KEY_PREFIX: `st-${tag}`,
      ROOM_CREATE_RATE_LIMIT: '1000000/1s',
    },
  });
  cleanups.push(() => chat.stop());

  const password = 'correct horse battery staple';
  const register = (username) =>
    json(
      `${auth.url}/register`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      },
      201,
    );
  const authUser = await register(`st_auth_${tag}`);
  const logoutUser = await register(`st_logout_${tag}`);
  const chatUser = await register(`st_chat_${tag}`);
  const admin = await register(`st_admin_${tag}`);
  if (admin.user.role !== 'admin') throw new Error('the admin user did not get the admin role');
  const basic = Buffer.from(`st-probe:${probeSecret}`).toString('base64');
  const serviceToken = await json(
    `${auth.url}/oauth/token`,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=archive%3Aread%20archive%3Awrite',
    },
    200,
  );
  // Something real to find: a room with messages would need a socket; a room is enough for
  // GET /rooms to return a list and for the stateful phase to follow POST /rooms.
  await json(
    `${chat.url}/rooms`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${chatUser.accessToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: `st-room-${tag}`, topic: 'seeded' }),
    },
    201,
  );

  const runs = [
    // POST /logout with this bearer token would end its session half-way through the run (and
    // every later /users/me would be a 401): it gets a run and a session of its own.
    {
      name: 'auth',
      service: auth,
      token: authUser.accessToken,
      filters: ['--exclude-path', '/logout'],
    },
    {
      name: 'auth-logout',
      service: auth,
      token: logoutUser.accessToken,
      filters: ['--include-path', '/logout'],
    },
    { name: 'chat', service: chat, token: chatUser.accessToken, filters: [] },
    {
      name: 'archive-admin',
      service: archive,
      token: admin.accessToken,
      filters: ['--exclude-path', '/archive/messages'],
    },
    {
      name: 'archive-service',
      service: archive,
      token: serviceToken.access_token,
      filters: ['--include-path', '/archive/messages'],
    },
  ];
  log(`schemathesis: up to ${examples} examples per operation and phase, seed ${args.seed}`);
  const results = [];
  for (const run of runs) {
    const result = await runSchemathesis(run);
    results.push(result);
    log(
      `${result.name.padEnd(16)} ${String(result.operations ?? '?').padStart(2)} operations, ` +
        `${String(result.cases ?? '?').padStart(5)} test cases, ${result.failures} findings, ` +
        `${result.seconds.toFixed(1)} s${result.code === 0 ? '' : ` (exit ${result.code})`}`,
    );
    if (result.code !== 0) {
      const failures = result.output.split('\n');
      const start = failures.findIndex((line) => /FAILURES|ERRORS/.test(line));
      console.log(failures.slice(Math.max(0, start), start + 80).join('\n'));
    }
  }
  const summary = [
    `schemathesis ${args.schemathesis}, seed ${args.seed}, max ${examples} examples, checks ${checks}`,
    ...results.map(
      (r) =>
        `${r.name}: ${r.operations ?? '?'} operations, ${r.cases ?? '?'} test cases, ` +
        `${r.failures} findings, exit ${r.code}, ${r.seconds.toFixed(1)} s`,
    ),
  ].join('\n');
  await writeFile(join(outDir, 'summary.txt'), `${summary}\n`);
  const failed = results.filter((r) => r.code !== 0);
  const total = results.reduce((sum, r) => sum + (r.cases ?? 0), 0);
  if (failed.length > 0) {
    log(
      `FAILED: ${failed.map((r) => r.name).join(', ')} (reports in .infra/security/schemathesis/)`,
    );
    process.exitCode = 1;
  } else {
    log(`0 findings in ${total} test cases; reports in .infra/security/schemathesis/`);
  }
} catch (error) {
  console.error(`[security-api] FAILED: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
