// skaffold.yaml: valid for the schema version it names, builds the four images from their
// Dockerfiles, hands each one to the chart through the value keys the chart declares, and
// deploys/forwards what the chart actually renders (checked by rendering it with Helm).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyPatches,
  dictAt,
  hasValuePath,
  isDict,
  listAt,
  readChartValues,
  readYamlFile,
  setKeyPath,
  skaffoldPath,
  skaffoldProblems,
  templateName,
  undeclaredValues,
  withProfiles,
} from './skaffold-config.js';
import { renderRelease, type K8sObject } from './helm-render.js';
import { repoRoot } from '../paths.js';
import { finalStage, instructionsOf, loadDockerfile, stageNamed } from '../docker/dockerfile.js';

const config = readYamlFile(skaffoldPath);
const profileNames = ['gateway', 'monitoring', 'hpa', 'keda', 'sync'];

/** The four images, their Dockerfiles and the chart component each one is. */
const images = [
  { image: 'falablau/auth', dockerfile: 'services/auth/Dockerfile', component: 'auth' },
  { image: 'falablau/chat', dockerfile: 'services/chat/Dockerfile', component: 'chat' },
  { image: 'falablau/archive', dockerfile: 'services/archive/Dockerfile', component: 'archive' },
  { image: 'falablau/web', dockerfile: 'web/Dockerfile', component: 'web' },
];

function artifacts(cfg: unknown): Record<string, unknown>[] {
  return listAt(cfg, ['build', 'artifacts']).filter(isDict);
}

function release(cfg: unknown): Record<string, unknown> {
  const [first, ...others] = listAt(cfg, ['deploy', 'helm', 'releases']);
  if (!isDict(first) || others.length > 0) throw new Error('expected exactly one Helm release');
  return first;
}

function stringMap(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isDict(value)) throw new Error('expected a mapping');
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

describe('skaffold.yaml against the skaffold/v4beta14 schema', () => {
  test('when validated, then it has no problem', () => {
    expect(skaffoldProblems(config)).toEqual([]);
  });

  test.each(profileNames)('when profile %s is active, then the result still validates', (name) => {
    expect(skaffoldProblems(withProfiles(config, [name]))).toEqual([]);
  });

  test('when profiles are combined, then their patches compose and validate', () => {
    const combined = withProfiles(config, ['gateway', 'monitoring', 'keda']);
    expect(skaffoldProblems(combined)).toEqual([]);
    expect(release(combined).setValues).toMatchObject({
      'ingress.enabled': false,
      'gateway.enabled': true,
      'chat.autoscaling.keda.enabled': true,
      'metrics.serviceMonitor.enabled': true,
      'metrics.prometheusRule.enabled': true,
    });
    expect(release(combined).valuesFiles).toEqual([
      'k8s-dev/values-dev.yaml',
      'k8s-dev/values-gateway.yaml',
    ]);
  });

  // The schema is a large anyOf/$ref tree: these prove it rejects things, so the check can fail.
  test('when an artifact carries an unknown field, then the check reports it', () => {
    const broken = applyPatches(config, [
      { op: 'add', path: '/build/artifacts/0/dockerFile', value: 'services/auth/Dockerfile' },
    ]);
    expect(skaffoldProblems(broken)).not.toEqual([]);
  });

  test('when a release field has the wrong type, then the check reports it', () => {
    const broken = applyPatches(config, [
      { op: 'replace', path: '/deploy/helm/releases/0/createNamespace', value: 'yes' },
    ]);
    expect(skaffoldProblems(broken)).toEqual(
      expect.arrayContaining([expect.stringContaining('/deploy/helm/releases/0/createNamespace')]),
    );
  });

  test('when the config names another schema version, then the check reports it', () => {
    const broken = applyPatches(config, [
      { op: 'replace', path: '/apiVersion', value: 'skaffold/v2beta29' },
    ]);
    expect(skaffoldProblems(broken)).toEqual([
      '/apiVersion: must be skaffold/v4beta14, not skaffold/v2beta29',
    ]);
  });

  test('when a profile patches a path that does not exist, then applying it fails', () => {
    expect(() =>
      applyPatches(config, [
        { op: 'replace', path: '/deploy/helm/releases/0/setValues/nope', value: 1 },
      ]),
    ).toThrow(
      /OPERATION_PATH_UNRESOLVABLE|Cannot perform the operation at a path that does not exist/,
    );
  });
});

describe('skaffold.yaml builds', () => {
  test('when it builds, then it builds exactly the four images, each from the repository root', () => {
    expect(artifacts(config).map((a) => [a.image, a.context])).toEqual(
      images.map(({ image }) => [image, '.']),
    );
  });

  test.each(images)('when $image is built, then its Dockerfile $dockerfile exists', (entry) => {
    const artifact = artifacts(config).find((a) => a.image === entry.image);
    expect(dictAt(artifact, ['docker']).dockerfile).toBe(entry.dockerfile);
    expect(existsSync(join(repoRoot, entry.dockerfile))).toBe(true);
  });

  test('when it builds locally, then nothing is pushed (kind loads the images)', () => {
    expect(dictAt(config, ['build', 'local']).push).toBe(false);
    expect(dictAt(config, ['build', 'tagPolicy'])).toHaveProperty('gitCommit');
  });

  // File sync cannot reach these containers (skaffold.yaml explains): the chart mounts every
  // root filesystem read-only. Should that change, sync rules may come back, and this goes.
  test('when a source file changes, then skaffold rebuilds the image instead of syncing into a read-only container', () => {
    const values = readChartValues();
    for (const artifact of artifacts(config)) expect(artifact).not.toHaveProperty('sync');
    for (const { component } of images) {
      expect(dictAt(values, [component, 'securityContext']).readOnlyRootFilesystem).toBe(true);
    }
  });
});

describe('skaffold.yaml deploys charts/falablau', () => {
  const rel = release(config);
  const templates = stringMap(rel.setValueTemplates);

  test('when it deploys, then release falablau of charts/falablau goes to namespace falablau, created if missing', () => {
    expect(rel).toMatchObject({
      name: 'falablau',
      chartPath: 'charts/falablau',
      namespace: 'falablau',
      createNamespace: true,
    });
    expect(existsSync(join(repoRoot, 'charts/falablau/Chart.yaml'))).toBe(true);
  });

  test.each(images)(
    'when $image is built, then the release sets its image repository and tag from it, the tag pinned by digest',
    ({ image, component }) => {
      const name = templateName(image);
      expect(templates[`${component}.image.repository`]).toBe(`{{.IMAGE_REPO_${name}}}`);
      expect(templates[`${component}.image.tag`]).toBe(
        `{{.IMAGE_TAG_${name}}}@{{.IMAGE_DIGEST_${name}}}`,
      );
    },
  );

  test('when a value template names an image, then skaffold builds that image', () => {
    const built = new Set(artifacts(config).map((a) => templateName(String(a.image))));
    const named = Object.values(templates).flatMap((t) =>
      [...t.matchAll(/\{\{\s*\.IMAGE_[A-Z_]+?_(falablau_[a-z]+)\s*\}\}/g)].map((m) => m[1]),
    );
    expect(named.length).toBeGreaterThanOrEqual(images.length * 3);
    expect(named.filter((n) => n === undefined || !built.has(n))).toEqual([]);
  });

  test('when the release or a profile sets a value, then charts/falablau/values.yaml declares that key', () => {
    const values = readChartValues();
    const keys = new Set<string>();
    for (const cfg of [config, ...profileNames.map((p) => withProfiles(config, [p]))]) {
      const r = release(cfg);
      for (const key of Object.keys({
        ...stringMap(r.setValues),
        ...stringMap(r.setValueTemplates),
      })) {
        keys.add(key);
      }
    }
    expect(keys.size).toBeGreaterThan(images.length * 2);
    expect([...keys].filter((key) => !hasValuePath(values, setKeyPath(key)))).toEqual([]);
  });

  test('when the release or a profile names values files, then each exists and sets only keys the chart declares', () => {
    const values = readChartValues();
    const files = new Set(
      [config, ...profileNames.map((p) => withProfiles(config, [p]))].flatMap((cfg) =>
        listAt(release(cfg), ['valuesFiles']).map(String),
      ),
    );
    expect([...files]).toEqual(['k8s-dev/values-dev.yaml', 'k8s-dev/values-gateway.yaml']);
    for (const file of files) {
      const path = join(repoRoot, file);
      expect(existsSync(path)).toBe(true);
      expect(undeclaredValues(values, readYamlFile(path))).toEqual([]);
    }
  });

  test('when a values file sets a key the chart lacks, then the check names it', () => {
    expect(
      undeclaredValues(
        { chat: { replicaCount: 3, podAnnotations: {} } },
        { chat: { replicas: 1, podAnnotations: { a: 'b' } } },
      ),
    ).toEqual(['chat.replicas']);
  });
});

describe('the chart as skaffold deploys it (rendered with Helm)', () => {
  // The names k8s-dev/bootstrap.sh gives the entry points the chart must attach to.
  const bootstrap = readFileSync(join(repoRoot, 'k8s-dev', 'bootstrap.sh'), 'utf8');
  const bootstrapName = (name: string): string => {
    const value = new RegExp(`^readonly ${name}="([^"]+)"$`, 'm').exec(bootstrap)?.[1];
    if (value === undefined) throw new Error(`bootstrap.sh does not set ${name}`);
    return value;
  };

  // Skaffold expands the value templates from each built image reference and passes them with
  // --set (pkg/skaffold/helm/args.go). A pushed image is `<repo>:<git tag>@<digest>`; an image
  // loaded into kind is retagged `<repo>:<image ID>` and has no digest, so the template
  // "{{.IMAGE_TAG}}@{{.IMAGE_DIGEST}}" ends in "@", which Skaffold trims.
  const gitTag = 'abc1234';
  const digest = 'sha256:' + 'a'.repeat(64);
  const imageId = 'b'.repeat(64);
  const expandTemplates = (cfg: unknown, withDigest: boolean): Record<string, string> =>
    Object.fromEntries(
      Object.entries(stringMap(release(cfg).setValueTemplates)).map(([key, template]) => {
        const expanded = template.replace(
          /\{\{\.IMAGE_(REPO|TAG|DIGEST)_([A-Za-z0-9_]+)\}\}/g,
          (_match, field: string, name: string) => {
            const image = images.find((i) => templateName(i.image) === name);
            if (image === undefined) throw new Error(`${template}: no image ${name}`);
            if (field === 'REPO') return image.image;
            if (field === 'TAG') return withDigest ? gitTag : imageId;
            return withDigest ? digest : '';
          },
        );
        return [key, expanded.replace(/@$/, '')];
      }),
    );
  const render = (profiles: string[], withDigest = true): Promise<K8sObject[]> => {
    const cfg = withProfiles(config, profiles);
    const rel = release(cfg);
    return renderRelease({
      release: String(rel.name),
      namespace: String(rel.namespace),
      valuesFiles: listAt(rel, ['valuesFiles']).map((f) => join(repoRoot, String(f))),
      set: { ...stringMap(rel.setValues), ...expandTemplates(cfg, withDigest) },
    });
  };
  const containerImages = (objects: K8sObject[]): Set<string> =>
    new Set(
      objects
        .filter((o) => o.kind === 'Deployment' || o.kind === 'Pod')
        .flatMap((o) => {
          const spec =
            o.kind === 'Pod' ? dictAt(o, ['spec']) : dictAt(o, ['spec', 'template', 'spec']);
          return Array.isArray(spec.containers) ? spec.containers.filter(isDict) : [];
        })
        .map((c) => String(c.image)),
    );
  const find = (objects: K8sObject[], kind: string): K8sObject[] =>
    objects.filter((o) => o.kind === kind);
  const named = (objects: K8sObject[], name: unknown): K8sObject | undefined =>
    objects.find((o) => isDict(o.metadata) && o.metadata.name === name);
  // Rendered once, on first use, so a chart that fails to render fails the tests, not the suite.
  let devObjects: Promise<K8sObject[]> | undefined;
  const dev = (): Promise<K8sObject[]> => (devObjects ??= render([]));

  test('when images were pushed, then every component runs the built image by tag and digest', async () => {
    const used = containerImages(await dev());
    for (const { image } of images) expect(used).toContain(`${image}:${gitTag}@${digest}`);
  });

  test('when images were loaded into kind without a digest, then every component runs them by image ID', async () => {
    const used = containerImages(await render([], false));
    for (const { image } of images) expect(used).toContain(`${image}:${imageId}`);
  });

  test('when skaffold forwards ports, then each goes to a port of a Service the chart renders', async () => {
    const services = find(await dev(), 'Service');
    const forwards = listAt(config, ['portForward']).filter(isDict);
    expect(forwards.map((f) => [f.resourceName, f.localPort])).toEqual([
      ['falablau-web', 3000],
      ['falablau-auth', 5000],
      ['falablau-chat', 5001],
      ['falablau-archive', 5002],
    ]);
    for (const forward of forwards) {
      expect(forward).toMatchObject({ resourceType: 'service', namespace: 'falablau' });
      const service = named(services, forward.resourceName);
      expect(service).toBeDefined();
      const ports = listAt(service, ['spec', 'ports']).filter(isDict);
      expect(ports.map((p) => p.port)).toContain(forward.port);
    }
  });

  test('when no profile is active, then ingress-nginx routes falablau.localtest.me and no HTTPRoute exists', async () => {
    const ingresses = find(await dev(), 'Ingress');
    expect(ingresses.length).toBeGreaterThan(0);
    for (const ingress of ingresses) {
      expect(ingress.spec).toMatchObject({
        ingressClassName: 'nginx',
        rules: [expect.objectContaining({ host: 'falablau.localtest.me' })],
      });
    }
    expect(find(await dev(), 'HTTPRoute')).toHaveLength(0);
  });

  test('when no profile is active, then every workload runs one pod and chat has no autoscaler', async () => {
    for (const deployment of find(await dev(), 'Deployment')) {
      expect(dictAt(deployment, ['spec']).replicas).toBe(1);
    }
    expect(find(await dev(), 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(find(await dev(), 'ScaledObject')).toHaveLength(0);
  });

  test('when the gateway profile is active, then an HTTPRoute attaches to the Gateway bootstrap.sh creates', async () => {
    const objects = await render(['gateway']);
    expect(find(objects, 'Ingress')).toHaveLength(0);
    const routes = find(objects, 'HTTPRoute');
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      expect(listAt(route, ['spec', 'parentRefs'])).toContainEqual(
        expect.objectContaining({
          name: bootstrapName('GATEWAY_NAME'),
          namespace: bootstrapName('GATEWAY_NAMESPACE'),
        }),
      );
    }
    // The Envoy proxies run in the Gateway's namespace; the NetworkPolicies must admit them.
    expect(JSON.stringify(find(objects, 'NetworkPolicy'))).toContain(
      `"kubernetes.io/metadata.name":"${bootstrapName('GATEWAY_NAMESPACE')}"`,
    );
  });

  test('when the hpa profile is active, then chat is scaled on CPU and connected sockets per pod', async () => {
    const [hpa, ...others] = find(await render(['monitoring', 'hpa']), 'HorizontalPodAutoscaler');
    expect(others).toHaveLength(0);
    expect(JSON.stringify(listAt(hpa, ['spec', 'metrics']))).toContain('chat_connected_sockets');
  });

  test('when the keda profile is active, then chat is scaled by a ScaledObject instead of an HPA', async () => {
    const objects = await render(['keda']);
    expect(find(objects, 'ScaledObject')).toHaveLength(1);
    expect(find(objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
    expect(find(objects, 'ServiceMonitor').length).toBeGreaterThan(0);
  });

  test('when the hpa and keda profiles are combined, then the chart refuses to render', async () => {
    await expect(render(['monitoring', 'hpa', 'keda'])).rejects.toThrow(
      /mutually exclusive|\/chat\/autoscaling/,
    );
  });

  test('when the monitoring profile is active, then ServiceMonitors, alert rules and the dashboard are rendered', async () => {
    const objects = await render(['monitoring']);
    expect(find(objects, 'ServiceMonitor').length).toBeGreaterThan(0);
    expect(find(objects, 'PrometheusRule').length).toBeGreaterThan(0);
    expect(
      find(objects, 'ConfigMap').some(
        (c) =>
          isDict(c.metadata) &&
          isDict(c.metadata.labels) &&
          'grafana_dashboard' in c.metadata.labels,
      ),
    ).toBe(true);
  });
});

describe('skaffold dev syncs sources (profile sync)', () => {
  const profiles = listAt(config, ['profiles']).filter(isDict);
  const sync = profiles.find((p) => p.name === 'sync');
  const synced = artifacts(withProfiles(config, ['sync']));
  const userOf = (stage: ReturnType<typeof finalStage> | undefined) =>
    stage === undefined ? undefined : instructionsOf(stage, 'USER').at(-1)?.text;

  /** Files under `dir` (relative to the repository) whose names end in one of `suffixes`. */
  const filesUnder = (dir: string, suffixes: string[]): string[] =>
    readdirSync(join(repoRoot, dir), { recursive: true, encoding: 'utf8' }).filter((file) =>
      suffixes.some((suffix) => file.endsWith(suffix)),
    );

  test('when `skaffold dev` runs, then the sync profile activates itself, and only then', () => {
    expect(listAt(sync, ['activation'])).toEqual([{ command: 'dev' }]);
  });

  test.each(images)(
    'when $image is built for dev, then its Dockerfile has a dev stage, not last, running as the runtime user',
    ({ image, dockerfile }) => {
      const artifact = synced.find((a) => a.image === image);
      expect(dictAt(artifact, ['docker']).target).toBe('dev');
      const stages = loadDockerfile(join(repoRoot, dockerfile));
      const dev = stageNamed(stages, 'dev');
      expect(dev).toBeDefined();
      // `docker build` and `skaffold run` without a target must still build the production stage.
      expect(finalStage(stages).name).not.toBe('dev');
      expect(userOf(dev)).toBe(userOf(finalStage(stages)));
    },
  );

  test.each(images)(
    'when $image syncs, then every rule copies existing sources to the same path under /app',
    ({ image }) => {
      const rules = listAt(
        synced.find((a) => a.image === image),
        ['sync', 'manual'],
      ).filter(isDict);
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        const src = String(rule.src);
        const strip = String(rule.strip);
        expect(src.startsWith(strip)).toBe(true);
        expect(rule.dest).toBe(`/app/${strip}`.replace(/\/$/, ''));
        const [dir = '', pattern = ''] = src.split('/**/');
        const matches = src.includes('/**/')
          ? filesUnder(dir, [pattern.replace(/^\*/, '')])
          : existsSync(join(repoRoot, src))
            ? [src]
            : [];
        expect({ src, matches: matches.length > 0 }).toEqual({ src, matches: true });
      }
    },
  );

  test('when the dev pods run, then only they get a writable root filesystem', async () => {
    const contexts = async (profiles: string[]) => {
      const cfg = withProfiles(config, profiles);
      const rel = release(cfg);
      const objects = await renderRelease({
        release: String(rel.name),
        namespace: String(rel.namespace),
        valuesFiles: listAt(rel, ['valuesFiles']).map((f) => join(repoRoot, String(f))),
        set: stringMap(rel.setValues),
      });
      return Object.fromEntries(
        objects
          .filter((o) => o.kind === 'Deployment')
          .map((o) => [
            String(dictAt(o, ['metadata', 'labels'])['app.kubernetes.io/component']),
            listAt(o, ['spec', 'template', 'spec', 'containers'])
              .filter(isDict)
              .map((c) => dictAt(c, ['securityContext']).readOnlyRootFilesystem),
          ]),
      );
    };
    const dev = await contexts(['sync']);
    const run = await contexts([]);
    for (const { component } of images) {
      expect({ component, dev: dev[component] }).toEqual({ component, dev: [false] });
      expect({ component, run: run[component] }).toEqual({ component, run: [true] });
    }
  });
});
