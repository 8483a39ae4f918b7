import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../paths.js';
import { endpointProblems, fileVariableProblems, replicaProblems } from './compose-checks.js';
import { containerFiles, effectiveEnvironment, type ContainerFiles } from './compose-env.js';
import { loadCompose, parseCompose, type LoadedCompose } from './compose-file.js';
import { serviceContainers, type ServiceContainer } from './containers.js';
import { COMPOSE_FILES } from './repository.js';
import { runScriptJobs } from './script-jobs.js';
import { parseServiceConfig, unknownKeys } from './service-config.js';

interface Loaded {
  compose: LoadedCompose;
  files: ContainerFiles;
  containers: ServiceContainer[];
}

const workDir = mkdtempSync(join(tmpdir(), 'falablau-compose-env-'));
const loaded = new Map<string, Loaded>();

beforeAll(() => {
  for (const [label, path] of Object.entries(COMPOSE_FILES)) {
    const compose = loadCompose(path);
    // The volumes hold what the keygen job writes: run it, as `docker compose up` would.
    const files = containerFiles(compose, runScriptJobs(compose, join(workDir, label)));
    loaded.set(label, { compose, files, containers: serviceContainers(compose, files) });
  }
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

function get(label: string): Loaded {
  const entry = loaded.get(label);
  if (!entry) throw new Error(`${label} was not loaded`);
  return entry;
}

const labels = Object.keys(COMPOSE_FILES);

describe('the environment of every container that runs one of our images', () => {
  test.each(labels)('when the %s file is read, then it runs auth, chat and archive', (label) => {
    const images = new Set(get(label).containers.map((c) => c.image));
    expect([...images].sort()).toEqual(['archive', 'auth', 'chat']);
  });

  test.each(labels)(
    'when the %s containers start, then each service accepts its environment with its own schema',
    (label) => {
      const problems = get(label).containers.flatMap(({ name, image, environment }) => {
        const parsed = parseServiceConfig(image, environment.env);
        return [
          ...environment.problems.map((p) => `${name}: ${p}`),
          ...(parsed.ok ? [] : parsed.problems.map((p) => `${name}: ${p}`)),
        ];
      });
      expect(problems).toEqual([]);
    },
  );

  test.each(labels)(
    'when the %s file sets variables, then each is one its service reads',
    (label) => {
      const problems = get(label).containers.flatMap(({ name, image, environment }) =>
        unknownKeys(image, environment.composeKeys).map((key) => `${name}: ${key}`),
      );
      expect(problems).toEqual([]);
    },
  );

  test.each(labels)(
    'when a %s service connects to another, then the host is a service of the file, on its port, with its credentials, waited for',
    (label) => {
      const { compose, containers } = get(label);
      const problems = containers.flatMap(({ name, environment }) =>
        endpointProblems(compose, environment.env, name).map((p) => `${name}: ${p}`),
      );
      expect(problems).toEqual([]);
    },
  );

  test.each(labels)(
    'when a %s service is given a *_FILE, then a mounted volume holds it',
    (label) => {
      const { files, containers } = get(label);
      const problems = containers.flatMap(({ name, environment }) =>
        fileVariableProblems(environment.env, (path) => files(name, path)).map(
          (p) => `${name}: ${p}`,
        ),
      );
      expect(problems).toEqual([]);
    },
  );

  test.each(labels)(
    'when the %s images start, then auth and chat run in production mode',
    (label) => {
      const modes = get(label)
        .containers.filter((c) => c.image !== 'archive')
        .map((c) => `${c.name}=${c.environment.env.NODE_ENV ?? 'unset'}`);
      expect(modes.length).toBeGreaterThanOrEqual(2);
      expect(modes.filter((m) => !m.endsWith('=production'))).toEqual([]);
    },
  );

  test('when the full stack runs chat twice, then the replicas have distinct INSTANCE_IDs and share Redis', () => {
    const replicas = new Map(
      get('main')
        .containers.filter((c) => c.image === 'chat')
        .map((c) => [c.name, c.environment.env]),
    );
    expect(replicaProblems(replicas, 2)).toEqual([]);
  });

  test('when the development stack runs chat, then its one replica is named', () => {
    const replicas = new Map(
      get('dev')
        .containers.filter((c) => c.image === 'chat')
        .map((c) => [c.name, c.environment.env]),
    );
    expect(replicaProblems(replicas, 1)).toEqual([]);
  });
});

describe('the checks, on documents that are wrong', () => {
  const inline = (text: string): LoadedCompose => parseCompose(text, join(repoRoot, 'inline.yml'));
  const stack = [
    'services:',
    '  postgres:',
    '    image: postgres:17.9-trixie',
    '    environment: { POSTGRES_USER: falablau, POSTGRES_PASSWORD: right, POSTGRES_DB: falablau }',
    '    healthcheck: { test: [CMD, pg_isready] }',
    '  auth:',
    '    build: { context: ., dockerfile: services/auth/Dockerfile }',
    '    depends_on: { postgres: { condition: service_healthy } }',
  ];

  test('when a URL has the wrong scheme and a name is misspelt, then the schema and the key check say so', () => {
    const compose = inline(
      [
        ...stack,
        '    environment:',
        '      DATABASE_URL: mysql://db/x',
        '      DATABSE_URL: x',
      ].join('\n'),
    );
    const [auth] = serviceContainers(compose);
    if (!auth) throw new Error('auth not found');
    const parsed = parseServiceConfig('auth', auth.environment.env);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? [] : parsed.problems).toEqual(
      expect.arrayContaining([
        'DATABASE_URL: must be a postgres:// URL',
        expect.stringContaining('KAFKA_BOOTSTRAP_SERVERS'),
      ]),
    );
    expect(unknownKeys('auth', auth.environment.composeKeys)).toEqual(['DATABSE_URL']);
  });

  test('when auth runs its image (NODE_ENV=production) without a signing key, then its schema refuses to start', () => {
    const compose = inline(
      [
        ...stack,
        '    environment:',
        '      DATABASE_URL: postgres://falablau:right@postgres:5432/falablau',
        '      KAFKA_BOOTSTRAP_SERVERS: kafka:9092',
      ].join('\n'),
    );
    const [auth] = serviceContainers(compose);
    expect(auth?.environment.env.NODE_ENV).toBe('production');
    const parsed = parseServiceConfig('auth', auth?.environment.env ?? {});
    expect(parsed.ok ? [] : parsed.problems).toEqual([
      expect.stringContaining('JWT_PRIVATE_KEY: a signing key is required in production'),
    ]);
  });

  test('when endpoints name a missing host, a wrong port, a wrong password or an unawaited service, then each is reported', () => {
    const compose = inline(
      [
        ...stack,
        '    environment:',
        '      DATABASE_URL: postgres://falablau:wrong@postgres:5433/falablau',
        '      KAFKA_BOOTSTRAP_SERVERS: broker:9092',
        '  chat:',
        '    build: { context: ., dockerfile: services/chat/Dockerfile }',
        '    environment:',
        '      AUTH_SERVICE_URL: http://auth:5000',
      ].join('\n'),
    );
    const problems = serviceContainers(compose).flatMap(({ name, environment }) =>
      endpointProblems(compose, environment.env, name).map((p) => `${name}: ${p}`),
    );
    expect(problems).toEqual([
      'auth: DATABASE_URL: postgres does not listen on 5433',
      'auth: DATABASE_URL: its password is not the one postgres is set up with',
      'auth: KAFKA_BOOTSTRAP_SERVERS: broker is not a service of the file',
      'chat: AUTH_SERVICE_URL: chat does not wait for auth to be healthy',
    ]);
  });

  test('when two replicas share an INSTANCE_ID and lack Redis, then the replica check says so', () => {
    const replicas = new Map<string, Record<string, string>>([
      ['chat-1', { INSTANCE_ID: 'chat' }],
      ['chat-2', { INSTANCE_ID: 'chat', REDIS_URL: 'redis://redis:6379' }],
    ]);
    expect(replicaProblems(replicas, 3)).toEqual([
      '2 replica(s), expected at least 3',
      'chat-1 has no REDIS_URL: broadcasts would not cross replicas',
      'chat-2 and chat-1 share INSTANCE_ID chat',
    ]);
  });

  test('when a *_FILE points outside every mount, then it is reported', () => {
    const compose = inline(
      [
        ...stack,
        '    environment: { JWT_PRIVATE_KEY_FILE: /run/secrets/falablau/jwt.pem }',
        '    volumes: [secrets:/run/secrets/other:ro]',
        'volumes: { secrets: {} }',
      ].join('\n'),
    );
    const files = containerFiles(compose, new Map([['secrets', workDir]]));
    const [auth] = serviceContainers(compose, files);
    expect(fileVariableProblems(auth?.environment.env ?? {}, (p) => files('auth', p))).toEqual([
      'JWT_PRIVATE_KEY_FILE: /run/secrets/falablau/jwt.pem is not in the container (no volume holds it)',
    ]);
  });
});

describe('how the environment is assembled', () => {
  test('when env_file, environment and node --env-file combine, then later sources win and Node fills only gaps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'falablau-env-file-'));
    try {
      writeFileSync(join(dir, 'app.env'), 'A=from-file\nB=from-file\nC="quoted # kept"\n');
      const compose = parseCompose(
        [
          'services:',
          '  app:',
          '    image: example/app:1.0.0',
          "    command: ['node', '--env-file=/secrets/extra.env', 'main.js']",
          '    env_file: [app.env, { path: missing.env, required: false }]',
          '    environment: { B: from-environment, D: ~, E: 5 }',
        ].join('\n'),
        join(dir, 'compose.yml'),
      );
      const files: ContainerFiles = (_, path) =>
        path === '/secrets/extra.env' ? 'A=from-node\nF=from-node\n' : undefined;
      const result = effectiveEnvironment(compose, 'app', {
        imageEnv: { D: 'image', G: 'image' },
        files,
      });
      expect(result.env).toEqual({
        A: 'from-file',
        B: 'from-environment',
        C: 'quoted # kept',
        E: '5',
        F: 'from-node',
        G: 'image',
      });
      expect(result.composeKeys.sort()).toEqual(['A', 'B', 'C', 'D', 'E']);
      expect(result.problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('when a required env_file or the --env-file is missing, then both are reported', () => {
    const compose = parseCompose(
      [
        'services:',
        '  app:',
        '    image: example/app:1.0.0',
        '    command: [node, --env-file, /secrets/extra.env, main.js]',
        '    env_file: absent.env',
      ].join('\n'),
      join(repoRoot, 'inline.yml'),
    );
    expect(effectiveEnvironment(compose, 'app').problems).toEqual([
      'env_file absent.env does not exist',
      'node --env-file /secrets/extra.env is not in the container',
    ]);
  });
});
