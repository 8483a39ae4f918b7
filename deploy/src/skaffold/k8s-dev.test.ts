// k8s-dev/: the kind cluster definition and the scripts that prepare and remove it. Nothing here
// can start a cluster, so the checks are static: the config's shape, the scripts' syntax, and
// that every version the bootstrap installs is pinned in one place (and agrees with the docs).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dictAt, isDict, listAt, readChartValues, readYamlFile } from './skaffold-config.js';
import { repoRoot } from '../paths.js';

const k8sDev = join(repoRoot, 'k8s-dev');
const bootstrapPath = join(k8sDev, 'bootstrap.sh');
const bootstrap = readFileSync(bootstrapPath, 'utf8');

/** The `readonly NAME="value"` pins of bootstrap.sh's version block. */
function pinnedVersions(script: string): Map<string, string> {
  const pins = new Map<string, string>();
  for (const match of script.matchAll(/^readonly ([A-Z_]+_VERSION)="([^"]*)"$/gm)) {
    const [, name, value] = match;
    if (name !== undefined && value !== undefined) pins.set(name, value);
  }
  return pins;
}

/** Commands as one line each (backslash continuations joined), without comment lines. */
function commandLines(script: string): string[] {
  return script
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line));
}

function bash(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bash', args, { encoding: 'utf8', timeout: 10_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('k8s-dev/kind-config.yaml', () => {
  const config = readYamlFile(join(k8sDev, 'kind-config.yaml'));
  const nodes = listAt(config, ['nodes']).filter(isDict);

  test('when kind reads it, then it is a v1alpha4 Cluster of one control-plane and two workers', () => {
    expect(config).toMatchObject({ kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4' });
    expect(nodes.map((n) => n.role)).toEqual(['control-plane', 'worker', 'worker']);
  });

  test('when the ingress controller is scheduled, then the ingress-ready node publishes ports 80 and 443', () => {
    const [controlPlane] = nodes;
    expect(controlPlane?.labels).toEqual({ 'ingress-ready': 'true' });
    const mappings = listAt(controlPlane, ['extraPortMappings']).filter(isDict);
    for (const port of [80, 443]) {
      expect(mappings).toContainEqual(
        expect.objectContaining({ containerPort: port, hostPort: port, protocol: 'TCP' }),
      );
    }
  });

  test('when nodes boot, then all run the same Kubernetes 1.34 node image, pinned by digest', () => {
    const imageRefs = new Set(nodes.map((n) => String(n.image)));
    expect(imageRefs.size).toBe(1);
    expect([...imageRefs][0]).toMatch(/^kindest\/node:v1\.34\.\d+@sha256:[0-9a-f]{64}$/);
  });
});

describe('k8s-dev/bootstrap.sh and teardown.sh', () => {
  const pins = pinnedVersions(bootstrap);

  test.each(['bootstrap.sh', 'teardown.sh'])(
    'when bash parses %s, then it has no syntax error and stops at the first failure',
    (script) => {
      const path = join(k8sDev, script);
      expect(bash(['-n', path])).toMatchObject({ status: 0, stderr: '' });
      expect(readFileSync(path, 'utf8')).toMatch(/^set -euo pipefail$/m);
    },
  );

  test('when the versions are pinned, then each is an exact version in the block at the top', () => {
    expect([...pins.keys()]).toEqual(
      expect.arrayContaining([
        'KIND_VERSION',
        'STRIMZI_VERSION',
        'CNPG_VERSION',
        'MCK_VERSION',
        'INGRESS_NGINX_CHART_VERSION',
        'ENVOY_GATEWAY_VERSION',
        'METRICS_SERVER_CHART_VERSION',
        'KEDA_CHART_VERSION',
        'KUBE_PROMETHEUS_STACK_CHART_VERSION',
        'PROMETHEUS_ADAPTER_CHART_VERSION',
      ]),
    );
    for (const [name, value] of pins) expect(`${name}=${value}`).toMatch(/=v?\d+\.\d+\.\d+$/);
    expect(pins.get('STRIMZI_VERSION')).toBe('1.2.0');
    expect(pins.get('CNPG_VERSION')).toBe('1.30.0');
    expect(pins.get('MCK_VERSION')).toBe('1.10.0');
    // The first pin comes before any function: one block to change, read first.
    expect(bootstrap.indexOf('readonly KIND_VERSION=')).toBeLessThan(bootstrap.indexOf('() {'));
  });

  test('when it installs a chart, then the chart version is one of the pins', () => {
    const installs = commandLines(bootstrap).filter((line) => /\bh upgrade --install\b/.test(line));
    expect(installs.length).toBeGreaterThanOrEqual(8);
    for (const line of installs) {
      const version = /--version "\$\{([A-Z_]+)\}"/.exec(line)?.[1];
      expect({ line, pinned: version !== undefined && pins.has(version) }).toEqual({
        line,
        pinned: true,
      });
    }
  });

  test('when something could float, then it does not: no "latest" and no unpinned manifest URL', () => {
    expect(bootstrap).not.toMatch(/latest/i);
    const urls = bootstrap.match(/https:\/\/[^\s"')]+/g) ?? [];
    for (const url of urls.filter((u) => u.endsWith('.yaml'))) {
      expect(url).toMatch(/\$\{[A-Z_]*VERSION[^}]*\}/);
    }
  });

  test('when run twice, then nothing fails because it exists: installs are upgrades, applies are server-side', () => {
    const lines = commandLines(bootstrap);
    expect(lines.filter((l) => /\b(helm|h) install\b/.test(l))).toEqual([]);
    expect(lines.filter((l) => /\bk create\b/.test(l) && !/--dry-run=client/.test(l))).toEqual([]);
    // Either server-side apply, or the namespace piped from `create --dry-run` (apply -f -).
    expect(lines.filter((l) => /\bk apply\b/.test(l) && !/--server-side|-f - /.test(l))).toEqual(
      [],
    );
  });

  test('when it waits, then every wait is bounded by a timeout', () => {
    const waits = commandLines(bootstrap).filter((l) =>
      /\bk (wait|rollout status)\b|--wait\b/.test(l),
    );
    expect(waits.length).toBeGreaterThan(5);
    // helm and kubectl take --timeout; kind's --wait takes the duration itself.
    for (const line of waits)
      expect(line).toMatch(/--timeout[= ]|kind create cluster .*--wait \d+[sm]/);
  });

  test('when asked for help, then it explains every option and exits 0', () => {
    const result = bash([bootstrapPath, '--help']);
    expect(result.status).toBe(0);
    for (const option of [
      '--gateway',
      '--keda',
      '--monitoring',
      '--name',
      '--namespace',
      '--help',
    ]) {
      expect(result.stdout).toContain(option);
    }
  });

  test('when given an unknown option, then it refuses before touching anything', () => {
    const result = bash([bootstrapPath, '--no-such-option']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('unknown option: --no-such-option');
  });

  // The chart's NetworkPolicies admit the operators, the entry point and Prometheus by namespace
  // name; the bootstrap must install each where the chart expects it.
  test('when a NetworkPolicy of the chart names a namespace, then bootstrap.sh installs that component there', () => {
    const policy = dictAt(readChartValues(), ['networkPolicy']);
    const expected = (path: string[]): unknown =>
      dictAt(policy, [...path, 'namespaceSelector', 'matchLabels'])['kubernetes.io/metadata.name'];
    const lines = commandLines(bootstrap);
    const helmNamespace = (release: string): string | undefined =>
      lines
        .find((l) => l.includes(`h upgrade --install ${release} `))
        ?.match(/--namespace "?([\w${}-]+)"?/)?.[1];
    expect(helmNamespace('strimzi-cluster-operator')).toBe(expected(['operators', 'strimzi']));
    expect(helmNamespace('mongodb-kubernetes')).toBe(expected(['operators', 'mongodb']));
    expect(helmNamespace('ingress-nginx')).toBe(expected(['ingressController']));
    // CloudNativePG's release manifest installs into cnpg-system.
    expect(bootstrap).toContain('wait_rollout cnpg-system deployment/cnpg-controller-manager');
    expect(expected(['operators', 'cnpg'])).toBe('cnpg-system');
    expect(bootstrap).toContain(
      `readonly MONITORING_NAMESPACE="${String(expected(['prometheus']))}"`,
    );
  });

  test('when an SRE reads docs/operations.md, then it names the same operator versions', () => {
    const operations = readFileSync(join(repoRoot, 'docs', 'operations.md'), 'utf8');
    for (const name of ['STRIMZI_VERSION', 'CNPG_VERSION', 'MCK_VERSION']) {
      expect(operations).toContain(pins.get(name));
    }
    expect(operations).toContain(`cnpg-${pins.get('CNPG_VERSION') ?? ''}.yaml`);
  });
});
