// What every image of ours must be, checked on the parsed Dockerfile: pinned bases, no remote
// ADD, a numeric non-root user, a health check, the contract's port, OCI labels; for the Node
// services also production mode, `node dist/main.js` in the workspace, production-only
// dependencies and no npm at run time; and a build stage that installs the whole workspace
// from the lockfile and compiles common before the service.
import type { ImageContract } from '../compose/contract.js';
import {
  finalStage,
  imageEnv,
  instructionsOf,
  labels,
  stageNamed,
  type DockerInstruction,
  type DockerStage,
} from './dockerfile.js';

/** A tag that starts with a full version (`24.20.0-trixie-slim`, `1.30.0-alpine`, `4.3.1`). */
const FULL_VERSION_TAG = /^v?\d+\.\d+\.\d+(?:[-+._][A-Za-z0-9.+_-]+)?$/;

/** Every base image is pinned: a digest, or a tag with a full version (never latest). */
export function pinnedBaseProblems(stages: readonly DockerStage[]): string[] {
  const problems: string[] = [];
  for (const stage of stages) {
    if (stageNamed(stages.slice(0, stage.index), stage.image)) continue;
    const where = `FROM ${stage.image}`;
    if (stage.image.includes('$')) {
      problems.push(`${where}: a variable base cannot be checked; pin it literally`);
    } else if (stage.digest !== undefined) {
      if (!/^sha256:[0-9a-f]{64}$/.test(stage.digest)) problems.push(`${where}: malformed digest`);
    } else if (stage.tag === undefined) {
      problems.push(`${where}: no tag, which means latest`);
    } else if (!FULL_VERSION_TAG.test(stage.tag)) {
      problems.push(`${where}: ${stage.tag} is not a full version (major.minor.patch)`);
    }
  }
  return problems;
}

/** ADD never fetches from the network: remote content must be pinned and verified. */
export function remoteAddProblems(stages: readonly DockerStage[]): string[] {
  return stages
    .flatMap((stage) => instructionsOf(stage, 'ADD'))
    .filter((add) => /(^|\s)(https?:\/\/|git@|[\w.-]+\.git\b)/.test(add.text))
    .map((add) => `line ${String(add.line)}: ADD of a URL (${add.text})`);
}

const NPM_COMMAND = /(^|[\s;&|(])(npm|npx|yarn|pnpm|corepack)\s/;

function runs(stage: DockerStage): DockerInstruction[] {
  return instructionsOf(stage, 'RUN');
}

function installsFor(stage: DockerStage): { production: boolean }[] {
  return runs(stage)
    .filter((run) => /\bnpm\s+(install|ci|i)\b/.test(run.text))
    .map((run) => ({ production: /--omit[= ]dev\b|--production\b/.test(run.text) }));
}

/** The final stage: user, health check, port and labels, for every image. */
export function runtimeStageProblems(
  stages: readonly DockerStage[],
  image: ImageContract,
  version: string,
): string[] {
  const problems: string[] = [];
  const stage = finalStage(stages);

  const user = instructionsOf(stage, 'USER').at(-1)?.text;
  if (user === undefined) {
    problems.push('the final stage sets no USER (the base image decides)');
  } else if (!/^\d+(:\d+)?$/.test(user)) {
    problems.push(`USER ${user} is not numeric (Kubernetes cannot verify runAsNonRoot)`);
  } else if (user.split(':')[0] === '0') {
    problems.push('USER 0 is root');
  } else if (user !== image.user) {
    problems.push(`USER ${user}, the contract says ${image.user}`);
  }

  const healthcheck = instructionsOf(stage, 'HEALTHCHECK').at(-1);
  const probe = healthcheck?.json?.join(' ') ?? '';
  if (!healthcheck || /^NONE\b/.test(healthcheck.text)) {
    problems.push('no HEALTHCHECK');
  } else if (!probe.includes(image.healthPath) || !probe.includes(String(image.port))) {
    problems.push(
      `the HEALTHCHECK does not ask for ${image.healthPath} on port ${String(image.port)}`,
    );
  }

  const exposed = instructionsOf(stage, 'EXPOSE').flatMap((e) => e.text.split(' '));
  if (!exposed.some((port) => port.replace(/\/tcp$/, '') === String(image.port))) {
    problems.push(`EXPOSE lacks ${String(image.port)}`);
  }

  const found = labels(stage);
  for (const key of ['title', 'description', 'source', 'version', 'revision']) {
    if ((found[`org.opencontainers.image.${key}`] ?? '') === '') {
      problems.push(`no org.opencontainers.image.${key} label`);
    }
  }
  const labelled = found['org.opencontainers.image.version'];
  if (labelled !== undefined && labelled !== '' && labelled !== version) {
    problems.push(`version label ${labelled}, the workspace is ${version}`);
  }
  return problems;
}

/** The final stage of a Node service: production, its workspace's dist, no dev tooling. */
export function nodeRuntimeProblems(
  stages: readonly DockerStage[],
  image: ImageContract,
): string[] {
  const problems: string[] = [];
  const stage = finalStage(stages);
  const workdir = `/app/${image.workspace}`;

  if (imageEnv(stages).NODE_ENV !== 'production') problems.push('NODE_ENV is not production');
  const cmd = instructionsOf(stage, 'CMD').at(-1)?.json;
  if (cmd?.join(' ') !== 'node dist/main.js') {
    problems.push(
      `CMD is not ["node", "dist/main.js"] (${cmd?.join(' ') ?? 'shell form or none'})`,
    );
  }
  if (instructionsOf(stage, 'ENTRYPOINT').length > 0) problems.push('an ENTRYPOINT wraps the CMD');
  if (instructionsOf(stage, 'WORKDIR').at(-1)?.text !== workdir) {
    problems.push(`the final WORKDIR is not ${workdir}`);
  }
  const healthcheck = instructionsOf(stage, 'HEALTHCHECK').at(-1)?.json ?? [];
  if (healthcheck[0] !== 'node' || !healthcheck.join(' ').includes('fetch(')) {
    problems.push('the HEALTHCHECK must use node and fetch (slim images have no curl or wget)');
  }

  const copies = instructionsOf(stage, 'COPY');
  const copiedFrom = (fragment: string): DockerStage[] =>
    copies
      .filter((c) => c.text.split(' ')[0]?.includes(fragment))
      .map((c) => stageNamed(stages, c.flags.get('from') ?? ''))
      .filter((s): s is DockerStage => s !== undefined);
  if (!copies.some((c) => c.text.includes(`${image.workspace}/dist`))) {
    problems.push(`the final stage does not copy ${image.workspace}/dist`);
  }
  const moduleSources = copiedFrom('node_modules');
  if (moduleSources.length === 0) {
    problems.push('the final stage copies node_modules from no stage');
  }
  for (const source of moduleSources) {
    const installs = installsFor(source);
    if (installs.length === 0 || installs.some((i) => !i.production)) {
      problems.push(
        `node_modules come from stage ${source.name ?? String(source.index)}, which does not install with --omit=dev only`,
      );
    }
  }
  if (installsFor(stage).length > 0) problems.push('the final stage installs packages itself');

  for (const run of runs(stage)) {
    if (NPM_COMMAND.test(` ${run.text}`))
      problems.push(`line ${String(run.line)}: runs npm tooling at run time`);
  }
  const removesNpm = runs(stage).some(
    (run) => /\brm\b/.test(run.text) && run.text.includes('/usr/local/lib/node_modules'),
  );
  if (!removesNpm) problems.push('npm stays in the image (remove /usr/local/lib/node_modules)');
  return problems;
}

/**
 * The stage that installs the whole workspace: it has the lockfile and every workspace's
 * manifest (so npm sees the graph the lockfile records), and builds common before the image's
 * own workspace.
 */
export function buildStageProblems(
  stages: readonly DockerStage[],
  image: ImageContract,
  workspaces: readonly string[],
): string[] {
  const build = stages.find((stage) => installsFor(stage).some((i) => !i.production));
  if (!build) return ['no stage installs the workspace with its dev dependencies'];
  const problems: string[] = [];
  const copied = new Set(
    instructionsOf(build, 'COPY')
      .filter((c) => !c.flags.has('from'))
      .flatMap((c) => (c.json ?? c.text.split(' ')).slice(0, -1)),
  );
  for (const manifest of [
    'package.json',
    'package-lock.json',
    ...workspaces.map((w) => `${w}/package.json`),
  ]) {
    if (!copied.has(manifest)) problems.push(`the build stage does not copy ${manifest}`);
  }
  const script = runs(build)
    .map((run) => run.text)
    .join(' && ');
  const common = script.search(/npm run build\b[^&;]*-w @falablau\/common\b/);
  const own = script.search(
    new RegExp(`npm run build\\b[^&;]*-w ${image.packageName.replace('/', '\\/')}(\\s|$)`),
  );
  if (common < 0) problems.push('the build stage does not build @falablau/common');
  if (own < 0) problems.push(`the build stage does not build ${image.packageName}`);
  if (common >= 0 && own >= 0 && own < common) {
    problems.push(`${image.packageName} is built before @falablau/common`);
  }
  return problems;
}

/** Host paths COPY takes from the build context (not from other stages). */
export function contextSources(stages: readonly DockerStage[]): string[] {
  return stages.flatMap((stage) =>
    instructionsOf(stage, 'COPY')
      .filter((c) => !c.flags.has('from'))
      .flatMap((c) => (c.json ?? c.text.split(' ')).slice(0, -1)),
  );
}
