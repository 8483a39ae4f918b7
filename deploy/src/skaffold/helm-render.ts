// Renders charts/falablau the way `skaffold dev` installs it (`helm template` with the same
// values files and --set pairs) on the kind cluster of k8s-dev, so the checks see the objects
// skaffold deploys.
import { renderChart, type K8sObject } from '../chart/render.js';

export type { K8sObject };

export interface SkaffoldRenderOptions {
  release: string;
  namespace: string;
  valuesFiles: string[];
  /**
   * `--set` pairs, as skaffold passes setValues and the expanded setValueTemplates (Helm parses
   * the values: `true` is a boolean, `1234567` a number).
   */
  set: Record<string, string>;
}

/** The kind cluster of k8s-dev (kindest/node v1.34) ... */
const kubeVersion = '1.34.0';
/** ...with every API k8s-dev/bootstrap.sh can install: the operators', Gateway API, KEDA, Prometheus Operator. */
const apiVersions = [
  'kafka.strimzi.io/v1',
  'postgresql.cnpg.io/v1',
  'mongodbcommunity.mongodb.com/v1',
  'gateway.networking.k8s.io/v1',
  'keda.sh/v1alpha1',
  'monitoring.coreos.com/v1',
];

export function renderRelease(options: SkaffoldRenderOptions): Promise<K8sObject[]> {
  return renderChart({ helm: 'helm3', kubeVersion, apiVersions, ...options });
}
