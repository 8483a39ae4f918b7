// charts/falablau, rendered for real with Helm 3 and Helm 4 for every scenario in ci/, then
// checked three ways: `helm lint --strict`; every object against the Kubernetes API (the
// chart's minimum and the newest version) and the operators' CRDs with kubectl-validate; and the
// policies an SRE's cluster would enforce or expect (policy.ts).
import { readFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  admitsPod,
  asArray,
  asRecord,
  chatAutoscalers,
  imageViolations,
  ingressPeersOf,
  labelViolations,
  networkPolicyViolations,
  podTemplates,
  probeViolations,
  resourceViolations,
  restrictedViolations,
  serviceSelectorViolations,
} from './policy.js';
import {
  chartDir,
  HelmError,
  helms,
  lintChart,
  renderChart,
  scenarios,
  type HelmVersion,
  type K8sObject,
} from './render.js';
import { kubernetesVersions, validateObjects } from './validate.js';

// Ten renderings and ten kubectl-validate runs share two cores with the rest of the suite.
jest.setTimeout(240_000);

const all = scenarios();
const rendered = new Map<string, K8sObject[]>();
const key = (helm: HelmVersion, scenario: string) => `${helm}:${scenario}`;
/** The Helm 4 rendering of a scenario (Helm 3's is checked to be the same objects). */
const objectsOf = (scenario: string): K8sObject[] => {
  const objects = rendered.get(key('helm4', scenario));
  if (!objects) throw new Error(`${scenario} was not rendered`);
  return objects;
};
const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const component = (objects: K8sObject[], kind: string, name: string): K8sObject | undefined =>
  objects.find(
    (o) => o.kind === kind && o.metadata.labels?.['app.kubernetes.io/component'] === name,
  );
const specOf = (object: K8sObject | undefined) => asRecord(object?.spec);

function podLabelsOf(objects: K8sObject[], name: string): Record<string, string> {
  const template = podTemplates(objects).find(
    (t) => t.owner.kind === 'Deployment' && t.labels['app.kubernetes.io/component'] === name,
  );
  if (!template) throw new Error(`no ${name} Deployment`);
  return template.labels;
}

function containerOf(objects: K8sObject[], name: string): Record<string, unknown> {
  const template = podTemplates(objects).find(
    (t) => t.owner.kind === 'Deployment' && t.labels['app.kubernetes.io/component'] === name,
  );
  const container = asArray(template?.spec.containers).map(asRecord)[0];
  if (!container) throw new Error(`no ${name} container`);
  return container;
}

function envOf(objects: K8sObject[], name: string): Map<string, Record<string, unknown>> {
  return new Map(
    asArray(containerOf(objects, name).env)
      .map(asRecord)
      .map((entry) => [String(entry.name), entry]),
  );
}

beforeAll(async () => {
  expect(all).toEqual(expect.arrayContaining(['default', 'dev', 'external', 'gateway', 'keda']));
  for (const helm of helms) {
    for (const scenario of all) {
      rendered.set(key(helm, scenario), await renderChart({ helm, scenario }));
    }
  }
});

describe.each(helms)('with %s', (helm) => {
  test.each(all)(
    'when the %s scenario is linted strictly, then Helm finds nothing',
    async (scenario) => {
      const output = await lintChart({ helm, scenario });
      expect(output).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
      expect(output).not.toMatch(/\[(WARNING|ERROR)\]/);
    },
  );

  test.each(all)(
    'when the %s scenario renders, then it renders the same objects as Helm 4',
    (scenario) => {
      const names = (objects: K8sObject[]) =>
        objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
      const objects = rendered.get(key(helm, scenario)) ?? [];
      expect(objects.length).toBeGreaterThan(10);
      expect(names(objects)).toEqual(names(objectsOf(scenario)));
    },
  );
});

describe.each(kubernetesVersions)('on Kubernetes %s', (version) => {
  test.each(all)(
    'when the %s scenario is validated against the API and the CRDs, then every object is accepted',
    async (scenario) => {
      expect(await validateObjects(objectsOf(scenario), version)).toEqual([]);
    },
  );
});

describe.each(all)('the %s scenario', (scenario) => {
  test('when its pods are checked, then each meets the "restricted" Pod Security Standard', () => {
    expect(restrictedViolations(objectsOf(scenario))).toEqual([]);
  });

  test('when its containers are checked, then each has resources, probes and a pinned image', () => {
    const objects = objectsOf(scenario);
    expect(resourceViolations(objects)).toEqual([]);
    expect(probeViolations(objects)).toEqual([]);
    expect(imageViolations(objects)).toEqual([]);
  });

  test('when its objects are checked, then each carries the recommended labels', () => {
    expect(labelViolations(objectsOf(scenario))).toEqual([]);
  });

  test('when its NetworkPolicies are checked, then a default deny and an allowing policy cover every pod', () => {
    expect(networkPolicyViolations(objectsOf(scenario))).toEqual([]);
  });

  test('when its Services are checked, then each selects pods of the release', () => {
    expect(serviceSelectorViolations(objectsOf(scenario))).toEqual([]);
  });

  test('when chat autoscaling is checked, then there is at most one autoscaler and it targets the chat Deployment', () => {
    const objects = objectsOf(scenario);
    const autoscalers = chatAutoscalers(objects);
    const everyAutoscaler = objects.filter((o) =>
      ['HorizontalPodAutoscaler', 'ScaledObject'].includes(o.kind),
    );
    expect(everyAutoscaler).toEqual(autoscalers);
    expect(autoscalers.length).toBeLessThanOrEqual(1);
    const chat = component(objects, 'Deployment', 'chat');
    // With an autoscaler, a replicas field would fight it on every `helm upgrade`.
    expect(specOf(chat).replicas === undefined).toBe(autoscalers.length === 1);
  });

  test('when chat pods stop, then they drain first: a preStop sleep inside a longer grace period', () => {
    const objects = objectsOf(scenario);
    const sleep = asRecord(
      asRecord(asRecord(containerOf(objects, 'chat').lifecycle).preStop).sleep,
    );
    const podSpec = podTemplates(objects).find(
      (t) => t.labels['app.kubernetes.io/component'] === 'chat',
    )?.spec;
    expect(sleep.seconds).toBeGreaterThan(0);
    expect(Number(podSpec?.terminationGracePeriodSeconds)).toBeGreaterThan(
      Number(sleep.seconds) + 10,
    );
  });

  test('when the entry objects are checked, then each route reaches an existing Service port', () => {
    const objects = objectsOf(scenario);
    const services = new Map(ofKind(objects, 'Service').map((s) => [s.metadata.name, s]));
    const portExists = (name: string, port: unknown) =>
      asArray(specOf(services.get(name)).ports)
        .map(asRecord)
        .some((p) => p.port === port || p.name === port);
    const backends: { name: string; port: unknown }[] = [];
    for (const ingress of ofKind(objects, 'Ingress')) {
      for (const rule of asArray(specOf(ingress).rules).map(asRecord)) {
        for (const path of asArray(asRecord(rule.http).paths).map(asRecord)) {
          const service = asRecord(asRecord(path.backend).service);
          const port = asRecord(service.port);
          backends.push({ name: String(service.name), port: port.number ?? port.name });
        }
      }
    }
    for (const route of ofKind(objects, 'HTTPRoute')) {
      for (const rule of asArray(specOf(route).rules).map(asRecord)) {
        for (const ref of asArray(rule.backendRefs).map(asRecord)) {
          backends.push({ name: String(ref.name), port: ref.port });
        }
      }
    }
    if (ofKind(objects, 'Ingress').length + ofKind(objects, 'HTTPRoute').length > 0) {
      expect(backends.length).toBeGreaterThanOrEqual(5);
    }
    for (const backend of backends) {
      expect({ ...backend, exists: portExists(backend.name, backend.port) }).toEqual({
        ...backend,
        exists: true,
      });
    }
  });
});

describe('the default scenario', () => {
  const objects = () => objectsOf('default');

  test('when chat is autoscaled, then one autoscaling/v2 HPA scales on CPU and on sockets per pod', () => {
    const [hpa, ...others] = chatAutoscalers(objects());
    expect(others).toEqual([]);
    expect(hpa?.kind).toBe('HorizontalPodAutoscaler');
    expect(hpa?.apiVersion).toBe('autoscaling/v2');
    const metrics = asArray(specOf(hpa).metrics).map(asRecord);
    const cpu = metrics.find((m) => m.type === 'Resource' && asRecord(m.resource).name === 'cpu');
    const sockets = metrics.find(
      (m) =>
        m.type === 'Pods' && asRecord(asRecord(m.pods).metric).name === 'chat_connected_sockets',
    );
    expect(cpu).toBeDefined();
    expect(sockets).toBeDefined();
  });

  test('when the entry is ingress-nginx, then APIs are rewritten, WebSockets get long timeouts and nothing is sticky', () => {
    const ingresses = ofKind(objects(), 'Ingress');
    expect(ingresses.length).toBeGreaterThanOrEqual(1);
    expect(ofKind(objects(), 'HTTPRoute')).toEqual([]);
    const paths = ingresses.flatMap((ingress) =>
      asArray(specOf(ingress).rules)
        .map(asRecord)
        .flatMap((rule) => asArray(asRecord(rule.http).paths).map((p) => String(asRecord(p).path))),
    );
    for (const prefix of ['/api/auth', '/api/chat', '/api/archive', '/socket.io', '/']) {
      expect(paths.some((path) => path.startsWith(prefix))).toBe(true);
    }
    for (const ingress of ingresses) {
      const annotations = ingress.metadata.annotations ?? {};
      expect(specOf(ingress).ingressClassName).toBe('nginx');
      expect(Object.keys(annotations).filter((a) => /affinity|sticky/.test(a))).toEqual([]);
    }
    // The WebSockets' Ingress holds connections open for an hour (nginx's default is 60 s).
    const sockets = ingresses.filter((i) => JSON.stringify(i.spec).includes('/socket.io'));
    expect(sockets).toHaveLength(1);
    for (const ingress of sockets) {
      const annotations = ingress.metadata.annotations ?? {};
      expect(
        Number(annotations['nginx.ingress.kubernetes.io/proxy-read-timeout']),
      ).toBeGreaterThanOrEqual(3600);
    }
    expect(
      ingresses.some((i) => i.metadata.annotations?.['nginx.ingress.kubernetes.io/rewrite-target']),
    ).toBe(true);
  });

  test('when the data services come from operators, then Strimzi v1, CloudNativePG and MongoDBCommunity resources are there', () => {
    const kinds = new Set(objects().map((o) => `${o.apiVersion} ${o.kind}`));
    for (const expected of [
      'kafka.strimzi.io/v1 Kafka',
      'kafka.strimzi.io/v1 KafkaNodePool',
      'kafka.strimzi.io/v1 KafkaTopic',
      'kafka.strimzi.io/v1 KafkaUser',
      'postgresql.cnpg.io/v1 Cluster',
      'mongodbcommunity.mongodb.com/v1 MongoDBCommunity',
    ]) {
      expect(kinds).toContain(expected);
    }
    const topics = ofKind(objects(), 'KafkaTopic').map((t) =>
      typeof specOf(t).topicName === 'string' ? String(specOf(t).topicName) : t.metadata.name,
    );
    expect(topics).toEqual(
      expect.arrayContaining(['chat.messages.v1', 'chat.sessions.v1', 'auth.sessions.v1']),
    );
    for (const user of ofKind(objects(), 'KafkaUser')) {
      expect(asRecord(specOf(user).authentication).type).toBe('scram-sha-512');
    }
  });

  test('when the apps are wired, then they read the operators’ secrets and SCRAM credentials, and archive alone gets MongoDB', () => {
    const cluster = ofKind(objects(), 'Cluster')[0];
    const databaseUrl = asRecord(
      asRecord(envOf(objects(), 'auth').get('DATABASE_URL')?.valueFrom).secretKeyRef,
    );
    expect(databaseUrl).toEqual({ name: `${String(cluster?.metadata.name)}-app`, key: 'uri' });
    for (const name of ['auth', 'chat', 'archive']) {
      const env = envOf(objects(), name);
      expect(env.get('KAFKA_SASL_MECHANISM')?.value).toBe('scram-sha-512');
      expect(env.has('KAFKA_SASL_USERNAME')).toBe(true);
      expect(env.has('KAFKA_SASL_PASSWORD') || env.has('KAFKA_SASL_PASSWORD_FILE')).toBe(true);
      expect(env.get('KAFKA_CREATE_TOPICS')?.value).toBe('false');
      expect(env.has('MONGO_URI')).toBe(name === 'archive');
    }
    expect(envOf(objects(), 'archive').get('MONGO_DATABASE')?.value).toBe('falablau');
  });

  test('when MongoDB, Postgres and Redis pods are reached, then only the components that need them may', () => {
    const all = objects();
    const pods = Object.fromEntries(
      ['auth', 'chat', 'archive', 'web'].map((name) => [name, podLabelsOf(all, name)]),
    );
    const mongo = ofKind(all, 'MongoDBCommunity')[0];
    const postgres = ofKind(all, 'Cluster')[0];
    const redis = podLabelsOf(all, 'redis');
    const allowed: [string, Record<string, string>, string[]][] = [
      ['MongoDB', { app: `${String(mongo?.metadata.name)}-svc` }, ['archive']],
      ['Postgres', { 'cnpg.io/cluster': String(postgres?.metadata.name) }, ['auth', 'chat']],
      ['Redis', redis, ['chat']],
    ];
    for (const [store, labels, clients] of allowed) {
      const peers = ingressPeersOf(all, labels);
      expect({ store, peers: peers.length > 0 }).toEqual({ store, peers: true });
      for (const [name, podLabels] of Object.entries(pods)) {
        expect({ store, name, admitted: admitsPod(peers, podLabels) }).toEqual({
          store,
          name,
          admitted: clients.includes(name),
        });
      }
    }
  });

  test('when secrets are generated, then the JWT key is kept on upgrade and no secret sits in values', () => {
    const secrets = ofKind(objects(), 'Secret');
    const jwt = secrets.find((s) => /jwt/.test(s.metadata.name));
    expect(jwt?.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    const values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as unknown;
    const leaks: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (
        typeof node === 'string' &&
        node !== '' &&
        /(password|secret|privatekey|token)$/i.test(path)
      ) {
        leaks.push(path);
      }
      if (typeof node === 'object' && node !== null) {
        for (const [k, v] of Object.entries(node)) walk(v, `${path}.${k}`);
      }
    };
    walk(values, '');
    expect(leaks).toEqual([]);
  });

  test('when `helm test` runs, then a hook Pod logs in and sends a message', () => {
    const hooks = objects().filter((o) => o.metadata.annotations?.['helm.sh/hook'] === 'test');
    expect(hooks.map((h) => h.kind)).toContain('Pod');
  });

  test('when observability is left off, then no ServiceMonitor, PrometheusRule or dashboard is rendered', () => {
    const kinds = objects().map((o) => o.kind);
    expect(kinds).not.toContain('ServiceMonitor');
    expect(kinds).not.toContain('PrometheusRule');
  });
});

describe('the other scenarios', () => {
  test('when KEDA scales chat, then a ScaledObject replaces the HPA and the metrics objects are on', () => {
    const objects = objectsOf('keda');
    expect(chatAutoscalers(objects).map((a) => a.kind)).toEqual(['ScaledObject']);
    const rules = JSON.stringify(ofKind(objects, 'PrometheusRule').map((r) => r.spec));
    expect(rules).toContain('chat_message_fanout_seconds');
    expect(rules).toContain('falablau_events_consumer_lag');
    expect(rules).toMatch(/status_code=~\\?"5\.\.\\?"/);
    expect(ofKind(objects, 'ServiceMonitor').length).toBeGreaterThanOrEqual(3);
    const dashboards = ofKind(objects, 'ConfigMap').filter(
      (c) => c.metadata.labels?.grafana_dashboard === '1',
    );
    expect(dashboards).toHaveLength(1);
  });

  test('when a Gateway is used, then an HTTPRoute rewrites the API prefixes and no Ingress is rendered', () => {
    const objects = objectsOf('gateway');
    expect(ofKind(objects, 'Ingress')).toEqual([]);
    const routes = ofKind(objects, 'HTTPRoute');
    expect(routes.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(routes)).toContain('ReplacePrefixMatch');
  });

  test('when every data service is external, then no operator resource or Redis is rendered', () => {
    const objects = objectsOf('external');
    const kinds = objects.map((o) => o.kind);
    for (const kind of [
      'Kafka',
      'KafkaNodePool',
      'KafkaTopic',
      'KafkaUser',
      'Cluster',
      'MongoDBCommunity',
    ]) {
      expect(kinds).not.toContain(kind);
    }
    expect(component(objects, 'Deployment', 'redis')).toBeUndefined();
  });

  test('when the minimal dev scenario renders, then chat runs a fixed replica count without an autoscaler', () => {
    const objects = objectsOf('dev');
    expect(chatAutoscalers(objects)).toEqual([]);
    expect(specOf(component(objects, 'Deployment', 'chat')).replicas).toBeGreaterThanOrEqual(1);
  });
});

describe('values the chart refuses', () => {
  test.each([
    [
      { 'chat.autoscaling.enabled': 'true', 'chat.autoscaling.keda.enabled': 'true' },
      'HPA and KEDA at once',
    ],
    [{ 'ingress.enabled': 'true', 'gateway.enabled': 'true' }, 'Ingress and Gateway at once'],
    [{ 'chat.replicaCuont': '3' }, 'a misspelt key'],
    [{ 'kafka.mode': 'zookeeper' }, 'an unknown Kafka mode'],
  ] as [Record<string, string>, string][])(
    'when %j is set (%s), then rendering fails with a message',
    async (set) => {
      await expect(renderChart({ helm: 'helm4', scenario: 'default', set })).rejects.toThrow(
        HelmError,
      );
    },
  );

  test('when an existing JWT secret is given, then the chart generates none and mounts that one', async () => {
    const objects = await renderChart({
      helm: 'helm4',
      scenario: 'default',
      set: { 'jwt.existingSecret': 'my-jwt' },
    });
    expect(ofKind(objects, 'Secret').filter((s) => /jwt/.test(s.metadata.name))).toEqual([]);
    expect(JSON.stringify(component(objects, 'Deployment', 'auth'))).toContain('"my-jwt"');
  });
});
