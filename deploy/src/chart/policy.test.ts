// The policy checks themselves, on small inline objects: each must pass a compliant object and
// catch the violation it exists for (otherwise the chart tests built on them prove nothing).
import {
  chatAutoscalers,
  imageViolations,
  labelViolations,
  networkPolicyViolations,
  probeViolations,
  resourceViolations,
  restrictedViolations,
  selects,
  serviceSelectorViolations,
} from './policy.js';
import type { K8sObject } from './render.js';

const labels = {
  'app.kubernetes.io/name': 'falablau',
  'app.kubernetes.io/instance': 'r',
  'app.kubernetes.io/version': '0.1.0',
  'app.kubernetes.io/managed-by': 'Helm',
  'app.kubernetes.io/part-of': 'falablau',
  'helm.sh/chart': 'falablau-0.1.0',
};
const podLabels = {
  'app.kubernetes.io/name': 'falablau',
  'app.kubernetes.io/instance': 'r',
  'app.kubernetes.io/component': 'chat',
};

function compliantContainer(): Record<string, unknown> {
  return {
    name: 'chat',
    image: 'ghcr.io/falablau/chat:0.1.0',
    securityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
      readOnlyRootFilesystem: true,
    },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 5001 } },
    livenessProbe: { httpGet: { path: '/health', port: 5001 } },
  };
}

function deployment(container = compliantContainer(), extraSpec = {}): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'r-chat', labels: { ...labels, 'app.kubernetes.io/component': 'chat' } },
    spec: {
      selector: { matchLabels: podLabels },
      template: {
        metadata: { labels: podLabels },
        spec: { containers: [container], volumes: [{ name: 'tmp', emptyDir: {} }], ...extraSpec },
      },
    },
  };
}

function networkPolicy(name: string, spec: Record<string, unknown>): K8sObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, labels },
    spec,
  };
}

const denyAll = networkPolicy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const allowChat = networkPolicy('chat', {
  podSelector: { matchLabels: { 'app.kubernetes.io/component': 'chat' } },
  policyTypes: ['Ingress'],
  ingress: [{ from: [{ podSelector: {} }] }],
});

describe('policy checks', () => {
  test('when a workload is compliant, then no check reports it', () => {
    const objects = [deployment(), denyAll, allowChat];
    expect(restrictedViolations(objects)).toEqual([]);
    expect(resourceViolations(objects)).toEqual([]);
    expect(probeViolations(objects)).toEqual([]);
    expect(imageViolations(objects)).toEqual([]);
    expect(labelViolations(objects)).toEqual([]);
    expect(networkPolicyViolations(objects)).toEqual([]);
  });

  test('when a container may escalate, keeps capabilities, writes its root fs and mounts a hostPath, then "restricted" says each', () => {
    const container = compliantContainer();
    container.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    const problems = restrictedViolations([
      deployment(container, {
        hostNetwork: true,
        volumes: [{ name: 'h', hostPath: { path: '/' } }],
      }),
    ]);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('allowPrivilegeEscalation is not false'),
        expect.stringContaining('capabilities.drop does not include ALL'),
        expect.stringContaining('readOnlyRootFilesystem is not true'),
        expect.stringContaining('hostNetwork is true'),
        expect.stringContaining('volume h has type hostPath'),
      ]),
    );
  });

  test('when a container may run as root or without seccomp, then "restricted" says so', () => {
    const container = compliantContainer();
    container.securityContext = {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] },
      readOnlyRootFilesystem: true,
    };
    expect(restrictedViolations([deployment(container)])).toEqual(
      expect.arrayContaining([
        expect.stringContaining('runAsNonRoot is not true'),
        expect.stringContaining('seccompProfile'),
        expect.stringContaining('adds capability SYS_ADMIN'),
      ]),
    );
  });

  test('when resources, probes or a pinned image are missing, then each is reported', () => {
    const container = compliantContainer();
    delete container.resources;
    delete container.readinessProbe;
    container.image = 'redis:latest';
    const objects = [deployment(container)];
    expect(resourceViolations(objects)).toHaveLength(3);
    expect(probeViolations(objects)).toEqual([expect.stringContaining('no readinessProbe')]);
    expect(imageViolations(objects)).toEqual([expect.stringContaining('uses latest')]);
    container.image = 'registry:5000/redis';
    expect(imageViolations(objects)).toEqual([expect.stringContaining('has no tag')]);
    container.image = 'registry:5000/redis@sha256:abc';
    expect(imageViolations(objects)).toEqual([]);
  });

  test('when an object lacks the recommended labels, then they are named', () => {
    const object = deployment();
    object.metadata.labels = { 'app.kubernetes.io/name': 'falablau' };
    expect(labelViolations([object])[0]).toContain('app.kubernetes.io/instance');
  });

  test('when there is no default deny, or a pod no policy allows, then NetworkPolicies fail', () => {
    expect(networkPolicyViolations([deployment(), allowChat])).toContain(
      'no default-deny NetworkPolicy (Ingress and Egress)',
    );
    expect(networkPolicyViolations([deployment(), denyAll])).toEqual([
      'Deployment/r-chat: no NetworkPolicy allows its traffic',
    ]);
  });

  test('when label selectors use expressions, then they select as the API server does', () => {
    const pod = { a: '1', b: '2' };
    expect(selects({}, pod)).toBe(true);
    expect(selects({ matchLabels: { a: '1' } }, pod)).toBe(true);
    expect(selects({ matchLabels: { a: '2' } }, pod)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'b', operator: 'In', values: ['2'] }] }, pod)).toBe(
      true,
    );
    expect(selects({ matchExpressions: [{ key: 'c', operator: 'Exists' }] }, pod)).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'c', operator: 'DoesNotExist' }] }, pod)).toBe(true);
    expect(
      selects({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['1'] }] }, pod),
    ).toBe(false);
  });

  test('when an HPA and a ScaledObject both target chat, then both are found', () => {
    const hpa: K8sObject = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'r-chat', labels },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'r-chat' } },
    };
    const scaledObject: K8sObject = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'r-chat', labels },
      spec: { scaleTargetRef: { name: 'r-chat' } },
    };
    expect(chatAutoscalers([deployment(), hpa, scaledObject])).toHaveLength(2);
    expect(chatAutoscalers([deployment()])).toHaveLength(0);
  });

  test('when a Service selects no pods of the release, then it is reported', () => {
    const service: K8sObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'r-chat', labels },
      spec: { selector: { 'app.kubernetes.io/component': 'chta' } },
    };
    expect(serviceSelectorViolations([deployment(), service])).toEqual([
      'Service/r-chat: selects no pod template of the release',
    ]);
  });
});
