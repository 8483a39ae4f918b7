import { join } from 'node:path';
import { repoRoot } from '../paths.js';
import {
  dependencyProblems,
  hardeningProblems,
  healthcheckProblems,
  publishedPortProblems,
  readOnlyMountProblems,
  servicesOfImage,
  volumeAndNetworkProblems,
} from './compose-checks.js';
import { loadCompose, mounts, parseCompose, type LoadedCompose } from './compose-file.js';
import { COMPOSE_FILES } from './repository.js';
import { scriptJobs } from './script-jobs.js';

const files = Object.entries(COMPOSE_FILES).map(
  ([label, path]) => [label, loadCompose(path)] as const,
);
const main = loadCompose(COMPOSE_FILES.main);
const dev = loadCompose(COMPOSE_FILES.dev);
const inline = (text: string): LoadedCompose => parseCompose(text, join(repoRoot, 'inline.yml'));

/** The named volumes the one-shot jobs write (the generated secrets). */
function jobVolumes(compose: LoadedCompose): string[] {
  return scriptJobs(compose).flatMap((job) =>
    mounts(compose.file.services[job] ?? {}, compose.dir)
      .filter((m) => m.kind === 'volume')
      .map((m) => m.source),
  );
}

describe('the shape of the compose stacks', () => {
  test.each(files)(
    'when %s starts, then every dependency exists and is awaited healthy or completed',
    (_, compose) => {
      expect(dependencyProblems(compose)).toEqual([]);
    },
  );

  test.each(files)(
    'when %s runs, then every long-running service has a healthcheck',
    (_, compose) => {
      expect(healthcheckProblems(compose)).toEqual([]);
    },
  );

  test.each(files)(
    'when %s runs our images, then they have a read-only root, a tmpfs /tmp and no capabilities',
    (_, compose) => {
      expect(hardeningProblems(compose)).toEqual([]);
    },
  );

  test.each(files)(
    'when %s publishes our images, then the ports lead to the contract ports',
    (_, compose) => {
      expect(publishedPortProblems(compose)).toEqual([]);
    },
  );

  test.each(files)(
    'when %s is read, then its volumes and its one network are declared and shared',
    (_, compose) => {
      expect(volumeAndNetworkProblems(compose)).toEqual([]);
    },
  );

  test.each(files)(
    'when %s generates secrets, then one job writes them and the services mount them read-only',
    (_, compose) => {
      const volumes = jobVolumes(compose);
      expect(scriptJobs(compose)).toEqual(['keygen']);
      expect(volumes).toEqual(['secrets']);
      expect(readOnlyMountProblems(compose, volumes)).toEqual([]);
    },
  );

  test('when the full stack runs, then chat has two replicas and the entry point and web are there', () => {
    expect(servicesOfImage(main, 'chat')).toEqual(['chat-1', 'chat-2']);
    expect(servicesOfImage(main, 'web')).toEqual(['web']);
    expect(Object.keys(main.file.services)).toEqual(
      expect.arrayContaining(['postgres', 'mongo', 'redis', 'kafka', 'auth', 'archive', 'nginx']),
    );
  });

  test('when the full stack is published, then nginx is on port 80, web on 3000, auth on 5000, archive on 5002', () => {
    const published = Object.fromEntries(
      Object.entries(main.file.services).map(([name, s]) => [name, (s.ports ?? []).map(String)]),
    );
    expect(published).toMatchObject({
      nginx: ['80:8080'],
      web: ['127.0.0.1:3000:8080'],
      auth: ['127.0.0.1:5000:5000'],
      archive: ['127.0.0.1:5002:5002'],
      postgres: [],
      mongo: [],
      redis: [],
      kafka: [],
    });
  });

  test('when the development stack is read, then it is backend only with every port on localhost', () => {
    expect(Object.keys(dev.file.services).sort()).toEqual(
      ['archive', 'auth', 'chat', 'kafka', 'keygen', 'mongo', 'postgres', 'redis'].sort(),
    );
    const exposed = Object.entries(dev.file.services).flatMap(([name, s]) =>
      (s.ports ?? [])
        .map(String)
        .filter((p) => !p.startsWith('127.0.0.1:'))
        .map((p) => `${name} ${p}`),
    );
    expect(exposed).toEqual([]);
  });

  test('when the compose files name their projects, then they differ (their volumes must not mix)', () => {
    expect(main.file.name).toBe('falablau');
    expect(dev.file.name).toBe('falablau-dev');
  });
});

describe('the topology checks, on documents that are wrong', () => {
  test('when dependencies are missing, unhealthy or only started, then each is reported', () => {
    const compose = inline(
      [
        'services:',
        '  db: { image: postgres:17.9-trixie }',
        '  job: { image: node:24.20.0-trixie-slim, restart: unless-stopped }',
        '  app:',
        '    image: example/app:1.0.0',
        '    depends_on:',
        '      db: { condition: service_healthy }',
        '      job: { condition: service_completed_successfully }',
        '      cache: { condition: service_healthy }',
        '  other: { image: example/app:1.0.0, depends_on: [db] }',
      ].join('\n'),
    );
    expect(dependencyProblems(compose)).toEqual([
      'app waits for db to be healthy, but db has no healthcheck',
      'app waits for job to complete, but job restarts',
      'app depends on cache, which is not a service of the file',
      'other waits only for db to start (use service_healthy)',
    ]);
    expect(healthcheckProblems(compose)).toEqual([
      'db has no healthcheck',
      'job has no healthcheck',
      'app has no healthcheck',
      'other has no healthcheck',
    ]);
  });

  test('when ports, volumes and networks are inconsistent, then each is reported', () => {
    const compose = inline(
      [
        'services:',
        '  auth:',
        '    build: { context: ., dockerfile: services/auth/Dockerfile }',
        "    ports: ['5000:5001']",
        '    volumes: [secrets:/run/secrets/falablau, undeclared:/data]',
        '    networks: [front]',
        '  job:',
        '    image: node:24.20.0-trixie-slim',
        '    restart: "no"',
        '    volumes: [secrets:/secrets]',
        'volumes: { secrets: {} }',
        'networks: { back: {} }',
      ].join('\n'),
    );
    expect(publishedPortProblems(compose)).toEqual([
      'auth publishes container port 5001, but listens on 5000',
    ]);
    expect(volumeAndNetworkProblems(compose)).toEqual([
      'auth mounts volume undeclared, which is not declared',
      'auth is not on the network back',
      'auth joins undeclared network front',
      'job is not on the network back',
    ]);
    expect(readOnlyMountProblems(compose, ['secrets'])).toEqual(['auth mounts secrets writable']);
    expect(hardeningProblems(compose)).toEqual([
      'auth: the root filesystem is writable',
      'auth: no tmpfs at /tmp',
      'auth: capabilities not dropped',
      'auth: privilege escalation not prevented (no-new-privileges)',
    ]);
  });
});
