// Renders charts/falablau with a real Helm binary (3 or 4, as `make k8s-tools` builds them) and
// parses the output into objects. Every command is bounded; a failure carries Helm's own stderr.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { repoRoot, requireTool } from '../paths.js';

const run = promisify(execFile);

export const chartDir = join(repoRoot, 'charts', 'falablau');
export const helms = ['helm3', 'helm4'] as const;
export type HelmVersion = (typeof helms)[number];

/** A rendered Kubernetes object, loosely typed: the checks read it like the API server would. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** The scenarios in charts/falablau/ci: `default` for `ci/default-values.yaml`, … */
export function scenarios(): string[] {
  return readdirSync(join(chartDir, 'ci'))
    .filter((file) => file.endsWith('-values.yaml'))
    .map((file) => file.replace(/-values\.yaml$/, ''))
    .sort();
}

export function scenarioFile(scenario: string): string {
  return join(chartDir, 'ci', `${scenario}-values.yaml`);
}

export interface RenderOptions {
  helm: HelmVersion;
  /** A scenario of charts/falablau/ci; none = the chart's defaults. */
  scenario?: string;
  /** Further values files (`-f`), applied after the scenario, e.g. skaffold's valuesFiles. */
  valuesFiles?: string[];
  /** `--set` pairs, applied after the values files. */
  set?: Record<string, string>;
  /** APIs Helm assumes the cluster serves (`.Capabilities.APIVersions`). */
  apiVersions?: string[];
  release?: string;
  namespace?: string;
  /** The cluster version Helm assumes (`.Capabilities.KubeVersion`, checked against kubeVersion). */
  kubeVersion?: string;
}

/** The newest Kubernetes release the checks know (validate.ts validates against it too). */
export const defaultKubeVersion = '1.35.0';

export class HelmError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(`${message}\n${stderr}`);
    this.name = 'HelmError';
  }
}

async function helm(version: HelmVersion, args: string[]): Promise<string> {
  try {
    const { stdout } = await run(requireTool(version), args, {
      cwd: repoRoot,
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
      // No user Helm config or repositories can leak in.
      env: {
        ...process.env,
        HELM_CACHE_HOME: join(repoRoot, '.infra', 'helm', 'cache'),
        HELM_CONFIG_HOME: join(repoRoot, '.infra', 'helm', 'config'),
        HELM_DATA_HOME: join(repoRoot, '.infra', 'helm', 'data'),
      },
    });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new HelmError(`${version} ${args.join(' ')} failed`, stderr);
  }
}

function valueArgs(options: RenderOptions): string[] {
  const args: string[] = [];
  if (options.scenario !== undefined) args.push('-f', scenarioFile(options.scenario));
  for (const file of options.valuesFiles ?? []) args.push('-f', file);
  for (const api of options.apiVersions ?? []) args.push('--api-versions', api);
  for (const [key, value] of Object.entries(options.set ?? {}))
    args.push('--set', `${key}=${value}`);
  return args;
}

/** `helm template`: every object the chart renders (helm test hooks included). */
export async function renderChart(options: RenderOptions): Promise<K8sObject[]> {
  const stdout = await helm(options.helm, [
    'template',
    options.release ?? 'falablau',
    chartDir,
    '--namespace',
    options.namespace ?? 'falablau',
    // Helm 3 assumes Kubernetes 1.20 without a cluster, below the chart's kubeVersion.
    '--kube-version',
    options.kubeVersion ?? defaultKubeVersion,
    ...valueArgs(options),
  ]);
  return parseAllDocuments(stdout)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(document.errors.join('\n'));
      return document.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

/** `helm lint --strict`: the output, or a HelmError with the findings. */
export function lintChart(options: RenderOptions): Promise<string> {
  return helm(options.helm, [
    'lint',
    chartDir,
    '--strict',
    '--namespace',
    options.namespace ?? 'falablau',
    ...valueArgs(options),
  ]);
}
