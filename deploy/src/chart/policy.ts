// Policy checks over rendered objects: what an SRE's admission controller (Pod Security
// Admission "restricted", Kyverno/Gatekeeper best-practice policies) would refuse or flag, plus
// the chart's own promises (labels, probes, no `latest`, NetworkPolicies for every pod, one
// autoscaler for chat). Each check returns readable violations; an empty list means it passes.
import type { K8sObject } from './render.js';

type Json = Record<string, unknown>;

const asRecord = (value: unknown): Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const id = (object: K8sObject): string => `${object.kind}/${object.metadata.name}`;

export interface PodTemplate {
  owner: K8sObject;
  labels: Record<string, string>;
  spec: Json;
}

/** The pod templates of workloads (and bare Pods, e.g. the helm test hook). */
export function podTemplates(objects: K8sObject[]): PodTemplate[] {
  const templates: PodTemplate[] = [];
  for (const object of objects) {
    const spec = asRecord(object.spec);
    if (object.kind === 'Pod') {
      templates.push({ owner: object, labels: object.metadata.labels ?? {}, spec });
    } else if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(object.kind)) {
      const template = asRecord(spec.template);
      const metadata = asRecord(template.metadata);
      templates.push({
        owner: object,
        labels: asRecord(metadata.labels) as Record<string, string>,
        spec: asRecord(template.spec),
      });
    } else if (object.kind === 'CronJob') {
      const template = asRecord(asRecord(asRecord(spec.jobTemplate).spec).template);
      templates.push({
        owner: object,
        labels: asRecord(asRecord(template.metadata).labels) as Record<string, string>,
        spec: asRecord(template.spec),
      });
    }
  }
  return templates;
}

function containersOf(spec: Json): Json[] {
  return [...asArray(spec.initContainers), ...asArray(spec.containers)].map(asRecord);
}

const restrictedVolumeTypes = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

/**
 * The Pod Security Standards "restricted" profile (v1.30+), field by field, plus a read-only root
 * filesystem (the chart's own promise, not part of the profile).
 */
export function restrictedViolations(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const { owner, spec } of podTemplates(objects)) {
    const where = id(owner);
    const podContext = asRecord(spec.securityContext);
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
      if (spec[field] === true) problems.push(`${where}: ${field} is true`);
    }
    for (const volume of asArray(spec.volumes).map(asRecord)) {
      const types = Object.keys(volume).filter((key) => key !== 'name');
      for (const type of types) {
        if (!restrictedVolumeTypes.has(type)) {
          problems.push(`${where}: volume ${String(volume.name)} has type ${type}`);
        }
      }
    }
    if (podContext.runAsUser === 0) problems.push(`${where}: pod runAsUser is 0`);
    for (const container of containersOf(spec)) {
      const at = `${where} container ${String(container.name)}`;
      const context = asRecord(container.securityContext);
      const runAsNonRoot = context.runAsNonRoot ?? podContext.runAsNonRoot;
      if (runAsNonRoot !== true) problems.push(`${at}: runAsNonRoot is not true`);
      if (context.runAsUser === 0) problems.push(`${at}: runAsUser is 0`);
      if (context.privileged === true) problems.push(`${at}: privileged`);
      if (context.allowPrivilegeEscalation !== false) {
        problems.push(`${at}: allowPrivilegeEscalation is not false`);
      }
      const capabilities = asRecord(context.capabilities);
      if (!asArray(capabilities.drop).includes('ALL')) {
        problems.push(`${at}: capabilities.drop does not include ALL`);
      }
      for (const added of asArray(capabilities.add)) {
        if (added !== 'NET_BIND_SERVICE') problems.push(`${at}: adds capability ${String(added)}`);
      }
      const seccomp =
        asRecord(context.seccompProfile).type ?? asRecord(podContext.seccompProfile).type;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
        problems.push(`${at}: seccompProfile is not RuntimeDefault or Localhost`);
      }
      if (context.readOnlyRootFilesystem !== true) {
        problems.push(`${at}: readOnlyRootFilesystem is not true`);
      }
      for (const port of asArray(container.ports).map(asRecord)) {
        if (port.hostPort !== undefined)
          problems.push(`${at}: hostPort ${JSON.stringify(port.hostPort)}`);
      }
    }
  }
  return problems;
}

/** Requests for CPU and memory and a memory limit on every container. */
export function resourceViolations(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const { owner, spec } of podTemplates(objects)) {
    for (const container of containersOf(spec)) {
      const at = `${id(owner)} container ${String(container.name)}`;
      const resources = asRecord(container.resources);
      const requests = asRecord(resources.requests);
      const limits = asRecord(resources.limits);
      if (requests.cpu === undefined) problems.push(`${at}: no cpu request`);
      if (requests.memory === undefined) problems.push(`${at}: no memory request`);
      if (limits.memory === undefined) problems.push(`${at}: no memory limit`);
    }
  }
  return problems;
}

/** Readiness and liveness probes on every long-running container (not on Jobs or test Pods). */
export function probeViolations(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const { owner, spec } of podTemplates(objects)) {
    if (!['Deployment', 'StatefulSet', 'DaemonSet'].includes(owner.kind)) continue;
    for (const container of asArray(spec.containers).map(asRecord)) {
      const at = `${id(owner)} container ${String(container.name)}`;
      if (container.readinessProbe === undefined) problems.push(`${at}: no readinessProbe`);
      if (container.livenessProbe === undefined) problems.push(`${at}: no livenessProbe`);
    }
  }
  return problems;
}

/** Every image names a tag or a digest, and the tag is not `latest`. */
export function imageViolations(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const { owner, spec } of podTemplates(objects)) {
    for (const container of containersOf(spec)) {
      const image = String(container.image);
      const at = `${id(owner)} container ${String(container.name)}`;
      const withoutDigest = image.split('@')[0] ?? image;
      const lastPart = withoutDigest.split('/').pop() ?? withoutDigest;
      const tag = lastPart.includes(':') ? lastPart.split(':').pop() : undefined;
      if (!image.includes('@') && tag === undefined) problems.push(`${at}: ${image} has no tag`);
      if (tag === 'latest') problems.push(`${at}: ${image} uses latest`);
    }
  }
  return problems;
}

export const recommendedLabels = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
  'app.kubernetes.io/managed-by',
  'app.kubernetes.io/part-of',
  'helm.sh/chart',
] as const;

/** The Kubernetes recommended labels on every object and on every pod template. */
export function labelViolations(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    const labels = object.metadata.labels ?? {};
    const missing = recommendedLabels.filter((label) => !(label in labels));
    if (missing.length > 0) problems.push(`${id(object)}: missing ${missing.join(', ')}`);
  }
  for (const { owner, labels } of podTemplates(objects)) {
    for (const label of [
      'app.kubernetes.io/name',
      'app.kubernetes.io/instance',
      'app.kubernetes.io/component',
    ]) {
      if (!(label in labels)) problems.push(`${id(owner)} pod template: missing ${label}`);
    }
  }
  return problems;
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Whether a label selector selects `labels` (an empty selector selects everything). */
export function selects(selector: unknown, labels: Record<string, string>): boolean {
  const { matchLabels = {}, matchExpressions = [] } = asRecord(selector) as LabelSelector;
  const labelsMatch = Object.entries(matchLabels).every(([key, value]) => labels[key] === value);
  const expressionsMatch = matchExpressions.every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key] ?? '');
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key] ?? '');
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        return false;
    }
  });
  return labelsMatch && expressionsMatch;
}

const policyTypes = (policy: K8sObject): unknown[] => asArray(asRecord(policy.spec).policyTypes);

/**
 * NetworkPolicies: a default deny of ingress and egress over every pod, and at least one allowing
 * policy for each pod template (a pod that only the deny selects could never work).
 */
export function networkPolicyViolations(objects: K8sObject[]): string[] {
  const policies = objects.filter((object) => object.kind === 'NetworkPolicy');
  const problems: string[] = [];
  const denyAll = policies.filter((policy) => {
    const spec = asRecord(policy.spec);
    return (
      policyTypes(policy).includes('Ingress') &&
      policyTypes(policy).includes('Egress') &&
      asArray(spec.ingress).length === 0 &&
      asArray(spec.egress).length === 0
    );
  });
  if (denyAll.length === 0) problems.push('no default-deny NetworkPolicy (Ingress and Egress)');
  const allowing = policies.filter((policy) => !denyAll.includes(policy));
  for (const { owner, labels } of podTemplates(objects)) {
    if (!denyAll.some((policy) => selects(asRecord(policy.spec).podSelector, labels))) {
      problems.push(`${id(owner)}: no default-deny policy selects its pods`);
    }
    const own = allowing.filter((policy) => selects(asRecord(policy.spec).podSelector, labels));
    if (own.length === 0) problems.push(`${id(owner)}: no NetworkPolicy allows its traffic`);
  }
  return problems;
}

/** The `from` peers of every policy whose podSelector selects `labels`. */
export function ingressPeersOf(objects: K8sObject[], labels: Record<string, string>): Json[] {
  return objects
    .filter((object) => object.kind === 'NetworkPolicy')
    .filter((policy) => selects(asRecord(policy.spec).podSelector, labels))
    .flatMap((policy) => asArray(asRecord(policy.spec).ingress).map(asRecord))
    .flatMap((rule) => asArray(rule.from).map(asRecord));
}

/** Whether any ingress peer admits pods with `labels` from the release's own namespace. */
export function admitsPod(peers: Json[], labels: Record<string, string>): boolean {
  return peers.some(
    (peer) =>
      peer.namespaceSelector === undefined &&
      peer.ipBlock === undefined &&
      selects(peer.podSelector, labels),
  );
}

/** The chat autoscalers: HPAs and KEDA ScaledObjects whose target is the chat Deployment. */
export function chatAutoscalers(objects: K8sObject[]): K8sObject[] {
  const chat = objects.find(
    (object) =>
      object.kind === 'Deployment' &&
      object.metadata.labels?.['app.kubernetes.io/component'] === 'chat',
  );
  if (chat === undefined) return [];
  return objects.filter((object) => {
    if (object.kind !== 'HorizontalPodAutoscaler' && object.kind !== 'ScaledObject') return false;
    const target = asRecord(asRecord(object.spec).scaleTargetRef);
    return (target.kind ?? 'Deployment') === 'Deployment' && target.name === chat.metadata.name;
  });
}

/** Every Service selects at least one pod template of the release. */
export function serviceSelectorViolations(objects: K8sObject[]): string[] {
  const templates = podTemplates(objects).filter((template) => template.owner.kind !== 'Pod');
  return objects
    .filter((object) => object.kind === 'Service')
    .filter((service) => {
      const selector = asRecord(asRecord(service.spec).selector) as Record<string, string>;
      return (
        Object.keys(selector).length > 0 &&
        !templates.some((template) => selects({ matchLabels: selector }, template.labels))
      );
    })
    .map((service) => `${id(service)}: selects no pod template of the release`);
}

export { asArray, asRecord };
