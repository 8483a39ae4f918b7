// Validates rendered objects the way an API server would, without one: kubectl-validate checks
// built-in kinds against the OpenAPI of a given Kubernetes version (unknown fields included) and
// custom resources against their CRDs (structural schema and CEL rules): the operators' CRDs from
// ../shared/crds, the optional integrations' from the project cache (scripts/k8s-tools).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { cacheDir, requireTool, sharedDir } from '../paths.js';
import type { K8sObject } from './render.js';

const run = promisify(execFile);

/**
 * Kubernetes versions the chart is validated against: its minimum (Chart.yaml kubeVersion; the
 * native preStop `sleep` handler is on by default from 1.30) and the newest kubectl-validate knows.
 */
export const kubernetesVersions = ['1.30', '1.35'] as const;

/** Directories of CRD files: the operators' (required) and the optional integrations'. */
export function crdDirectories(): string[] {
  const operators = [join(sharedDir, 'crds'), join(cacheDir, 'crds', 'operators')].find((dir) =>
    existsSync(dir),
  );
  if (operators === undefined) {
    throw new Error(
      `no operator CRDs: neither ${join(sharedDir, 'crds')} nor the download of \`make k8s-tools\``,
    );
  }
  const extra = join(cacheDir, 'crds', 'extra');
  if (!existsSync(extra)) throw new Error(`${extra} is missing: run \`make k8s-tools\``);
  return [operators, extra];
}

export interface Violation {
  object: string;
  message: string;
}

interface Status {
  status?: string;
  message?: string;
  details?: { kind?: string; name?: string };
}

/** Every object that the API server of `version` would refuse, with its reason. */
export async function validateObjects(objects: K8sObject[], version: string): Promise<Violation[]> {
  const dir = mkdtempSync(join(tmpdir(), 'falablau-validate-'));
  try {
    // One file per object, so each result names its object even when the message does not.
    const names = objects.map((object, index) => {
      const file = `${String(index).padStart(3, '0')}-${object.kind}-${object.metadata.name}.yaml`;
      writeFileSync(join(dir, file), stringify(object));
      return { file, label: `${object.kind}/${object.metadata.name}` };
    });
    const crdArgs = crdDirectories().flatMap((crds) => ['--local-crds', crds]);
    let stdout: string;
    try {
      ({ stdout } = await run(
        requireTool('kubectl-validate'),
        [dir, '--version', version, ...crdArgs, '--output', 'json'],
        { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      ));
    } catch (error) {
      // Exit 1 = some object is invalid; the JSON report is still on stdout.
      const out = (error as { stdout?: string }).stdout;
      if (out === undefined || out.trim() === '') throw error;
      stdout = out;
    }
    const report = JSON.parse(stdout) as Record<string, Status | Status[]>;
    const violations: Violation[] = [];
    for (const { file, label } of names) {
      const entry = report[join(dir, file)] ?? report[file];
      if (entry === undefined) {
        violations.push({ object: label, message: 'kubectl-validate reported nothing for it' });
        continue;
      }
      for (const status of Array.isArray(entry) ? entry : [entry]) {
        if (status.status !== 'Success') {
          violations.push({ object: label, message: status.message ?? JSON.stringify(status) });
        }
      }
    }
    return violations;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
