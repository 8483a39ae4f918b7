import { join } from 'node:path';
import { loadCompose } from '../compose/compose-file.js';
import { IMAGES, SERVICES, type ImageContract } from '../compose/contract.js';
import { COMPOSE_FILES, workspaces, workspaceVersion } from '../compose/repository.js';
import { webVariables } from '../compose/web-config.js';
import { repoRoot } from '../paths.js';
import {
  buildStageProblems,
  nodeRuntimeProblems,
  pinnedBaseProblems,
  remoteAddProblems,
  runtimeStageProblems,
} from './dockerfile-checks.js';
import { finalStage, instructionsOf, loadDockerfile, parseDockerfile } from './dockerfile.js';

const images = Object.values(IMAGES).map((image) => [image.name, image] as const);
const nodeImages = SERVICES.map((name) => [name, IMAGES[name]] as const);
const stagesOf = (image: ImageContract) => loadDockerfile(join(repoRoot, image.dockerfile));

describe('the Dockerfiles of our images', () => {
  test.each(images)(
    'when the %s image is built, then every base image is pinned and nothing is fetched by ADD',
    (_, image) => {
      const stages = stagesOf(image);
      expect(pinnedBaseProblems(stages)).toEqual([]);
      expect(remoteAddProblems(stages)).toEqual([]);
    },
  );

  test.each(images)(
    'when the %s image runs, then it is a numeric non-root user with a health check, the contract port and OCI labels',
    (_, image) => {
      expect(
        runtimeStageProblems(stagesOf(image), image, workspaceVersion(image.workspace)),
      ).toEqual([]);
    },
  );

  test.each(images)(
    'when the %s image is built, then the build stage installs the whole workspace and compiles common first',
    (_, image) => {
      expect(buildStageProblems(stagesOf(image), image, workspaces())).toEqual([]);
    },
  );

  test.each(nodeImages)(
    'when the %s image runs, then it is node dist/main.js in production, with production dependencies only and no npm',
    (_, image) => {
      expect(nodeRuntimeProblems(stagesOf(image), image)).toEqual([]);
    },
  );

  test('when the web image is built, then its build arguments are variables the app reads', () => {
    const args = stagesOf(IMAGES.web)
      .flatMap((stage) => instructionsOf(stage, 'ARG'))
      .flatMap((arg) => arg.properties ?? [])
      .map(([name]) => name)
      .filter((name) => name.startsWith('VITE_'));
    expect(args.length).toBeGreaterThan(0);
    expect(args.filter((name) => !webVariables().includes(name))).toEqual([]);
  });

  test('when the web image runs, then nginx serves the build with web/nginx.conf', () => {
    const copies = instructionsOf(finalStage(stagesOf(IMAGES.web)), 'COPY').map((c) => c.text);
    expect(copies).toEqual(
      expect.arrayContaining([
        'web/nginx.conf /etc/nginx/conf.d/default.conf',
        '/app/web/dist /usr/share/nginx/html',
      ]),
    );
  });

  test('when Node images are built, then they and the compose keygen job share one pinned Node base', () => {
    const nodeBases = new Set([
      // A stage built FROM an earlier stage (`FROM build AS dev`) has no base image of its own.
      ...SERVICES.flatMap((s) => {
        const stages = stagesOf(IMAGES[s]);
        const names = new Set(stages.map((stage) => stage.name));
        return stages.map((stage) => stage.image).filter((image) => !names.has(image));
      }),
      ...stagesOf(IMAGES.web)
        .map((stage) => stage.image)
        .filter((image) => image.startsWith('node:')),
      ...Object.values(COMPOSE_FILES).map(
        (path) => loadCompose(path).file.services.keygen?.image ?? '',
      ),
    ]);
    expect([...nodeBases]).toHaveLength(1);
  });
});

describe('the Dockerfile checks, on Dockerfiles that are wrong', () => {
  const bad = parseDockerfile(
    [
      'FROM node:24 AS build',
      'RUN npm install && npm run build -w @falablau/auth',
      'FROM node:latest AS deps',
      'RUN npm install',
      'FROM node',
      'FROM alpine@sha256:abc',
      'FROM build AS reuse',
      'FROM node:24.20-trixie-slim',
      'ADD https://example.com/tool.tar.gz /opt/',
      'WORKDIR /srv',
      'COPY --from=deps /app/node_modules node_modules/',
      'RUN npm ci --omit=dev',
      'USER node',
      'EXPOSE 3000',
      'LABEL org.opencontainers.image.title="auth" org.opencontainers.image.version="9.9.9"',
      'CMD node index.js',
    ].join('\n'),
  );
  const auth = IMAGES.auth;

  test('when bases are floating or malformed, then each is reported (stage references excepted)', () => {
    expect(pinnedBaseProblems(bad)).toEqual([
      'FROM node:24: 24 is not a full version (major.minor.patch)',
      'FROM node:latest: latest is not a full version (major.minor.patch)',
      'FROM node: no tag, which means latest',
      'FROM alpine@sha256:abc: malformed digest',
      'FROM node:24.20-trixie-slim: 24.20-trixie-slim is not a full version (major.minor.patch)',
    ]);
  });

  test('when ADD fetches a URL, then it is reported', () => {
    expect(remoteAddProblems(bad)).toEqual([
      'line 9: ADD of a URL (https://example.com/tool.tar.gz /opt/)',
    ]);
  });

  test('when the final stage runs as a named user without a health check, port or labels, then each is reported', () => {
    expect(runtimeStageProblems(bad, auth, '0.1.0')).toEqual([
      'USER node is not numeric (Kubernetes cannot verify runAsNonRoot)',
      'no HEALTHCHECK',
      'EXPOSE lacks 5000',
      'no org.opencontainers.image.description label',
      'no org.opencontainers.image.source label',
      'no org.opencontainers.image.revision label',
      'version label 9.9.9, the workspace is 0.1.0',
    ]);
    const root = parseDockerfile('FROM node:24.20.0-trixie-slim\nUSER 0:0\n');
    expect(runtimeStageProblems(root, auth, '0.1.0')).toContain('USER 0 is root');
  });

  test('when a Node runtime stage keeps dev dependencies and npm, then each is reported', () => {
    expect(nodeRuntimeProblems(bad, auth)).toEqual([
      'NODE_ENV is not production',
      'CMD is not ["node", "dist/main.js"] (shell form or none)',
      'the final WORKDIR is not /app/services/auth',
      'the HEALTHCHECK must use node and fetch (slim images have no curl or wget)',
      'the final stage does not copy services/auth/dist',
      'node_modules come from stage deps, which does not install with --omit=dev only',
      'the final stage installs packages itself',
      'line 12: runs npm tooling at run time',
      'npm stays in the image (remove /usr/local/lib/node_modules)',
    ]);
  });

  test('when the build stage lacks manifests and builds common last, then each is reported', () => {
    const build = parseDockerfile(
      [
        'FROM node:24.20.0-trixie-slim AS build',
        'COPY package.json package-lock.json ./',
        'COPY services/auth/package.json services/auth/',
        'RUN npm install',
        'RUN npm run build -w @falablau/auth && npm run build -w @falablau/common',
      ].join('\n'),
    );
    expect(buildStageProblems(build, auth, ['services/common', 'services/auth'])).toEqual([
      'the build stage does not copy services/common/package.json',
      '@falablau/auth is built before @falablau/common',
    ]);
    expect(
      buildStageProblems(parseDockerfile('FROM node:24.20.0-trixie-slim\n'), auth, []),
    ).toEqual(['no stage installs the workspace with its dev dependencies']);
  });
});
