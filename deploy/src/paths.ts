// Where the checks find what they check: the repository, the shared reference data beside it
// (../shared: the operators' CRDs and the skaffold and Compose schemas) and the tools that
// `make k8s-tools` builds (helm 3, helm 4, kubectl-validate) into the project's cache.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is deploy/src/paths.ts). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** ../shared beside the repository (CI checks it out there); FALABLAU_SHARED overrides. */
export const sharedDir = resolve(process.env.FALABLAU_SHARED ?? join(repoRoot, '..', 'shared'));

/** Built binaries and downloaded reference data, outside the repository (as scripts/infra). */
export const cacheDir = resolve(
  process.env.FALABLAU_CACHE ?? join(homedir(), '.cache', 'falablau'),
);

/** The tools `make k8s-tools` (scripts/k8s-tools/install.sh) installs. */
export type Tool = 'helm3' | 'helm4' | 'kubectl-validate';

/**
 * The path of a tool, or a loud failure naming the command that installs it: a missing tool
 * must fail the run, never skip the check.
 */
export function requireTool(tool: Tool): string {
  const path = join(cacheDir, 'bin', tool);
  if (!existsSync(path)) {
    throw new Error(`${tool} is not installed at ${path}: run \`make k8s-tools\` (make test does)`);
  }
  return path;
}

/** A file of ../shared, or a loud failure (the reference data is required, never skipped). */
export function requireShared(...parts: string[]): string {
  const path = join(sharedDir, ...parts);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: the checks need ../shared beside the repository`);
  }
  return path;
}
